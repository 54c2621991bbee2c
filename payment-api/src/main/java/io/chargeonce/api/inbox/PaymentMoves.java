package io.chargeonce.api.inbox;

import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.events.PaymentStatusChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The moves one batch of claimed status events makes on the payments it names, worked out in
 * memory before anything is written. Events must be offered in their order on the status topic;
 * each is judged against the state the earlier events of the batch left its payment in, so
 * several events for one payment end exactly where applying them one by one would have: a
 * PENDING then CONFIRMED lands on CONFIRMED, and a FAILED after that CONFIRMED is illegal even
 * though the table still says PENDING.
 *
 * <p>{@link #moves()} is what to write: per payment, its final status, the reason of the last
 * event that moved it and the last charge id any of those events carried (null keeps the stored
 * one), the same values the one-by-one updates would have left.
 */
final class PaymentMoves {

    private static final Logger log = LoggerFactory.getLogger(PaymentMoves.class);

    /** A payment as locked in the table at the start of the batch. */
    record Locked(UUID merchantId, PaymentState state) {
    }

    /** What one payment looks like after the batch's events for it. */
    record Move(PaymentState status, String reason, String providerChargeId) {
    }

    private final Map<UUID, Locked> locked;
    private final Map<UUID, Move> moves = new LinkedHashMap<>();

    /** @param locked every payment the batch names that exists here, by id */
    PaymentMoves(Map<UUID, Locked> locked) {
        this.locked = Objects.requireNonNull(locked, "locked");
    }

    /** Judges the next claimed event of the batch and, if legal, folds it into its payment's move. */
    InboxOutcome offer(PaymentStatusChanged event) {
        UUID paymentId = parseUuid(event.getPaymentId());
        UUID merchantId = parseUuid(event.getMerchantId());
        Locked row = paymentId == null ? null : locked.get(paymentId);
        if (row == null || !row.merchantId().equals(merchantId)) {
            log.atWarn().addKeyValue("paymentId", event.getPaymentId()).addKeyValue("eventId", event.getEventId())
                    .addKeyValue("decision", InboxOutcome.UNKNOWN_PAYMENT.tag())
                    .log("status event {} names payment {} of merchant {}, which does not exist here: ignored",
                            event.getEventId(), event.getPaymentId(), event.getMerchantId());
            return InboxOutcome.UNKNOWN_PAYMENT;
        }
        Move earlier = moves.get(paymentId);
        PaymentState current = earlier != null ? earlier.status() : row.state();
        PaymentState next = PaymentState.of(event.getStatus());
        if (!current.canMoveTo(next)) {
            log.atWarn().addKeyValue("paymentId", paymentId).addKeyValue("eventId", event.getEventId())
                    .addKeyValue("decision", InboxOutcome.ILLEGAL_TRANSITION.tag()).addKeyValue("from", current)
                    .addKeyValue("to", next)
                    .log("status event {} would move payment {} from {} to {}: illegal transition ignored",
                            event.getEventId(), paymentId, current, next);
            return InboxOutcome.ILLEGAL_TRANSITION;
        }
        String chargeId = event.getProviderChargeId() != null ? event.getProviderChargeId()
                : earlier != null ? earlier.providerChargeId() : null;
        moves.put(paymentId, new Move(next, event.getReason(), chargeId));
        log.atInfo().addKeyValue("paymentId", paymentId).addKeyValue("eventId", event.getEventId())
                .addKeyValue("decision", InboxOutcome.APPLIED.tag()).addKeyValue("from", current).addKeyValue("to", next)
                .log("payment {} moved from {} to {} by status event {} (attempt {})",
                        paymentId, current, next, event.getEventId(), event.getAttempt());
        return InboxOutcome.APPLIED;
    }

    /** Final values per moved payment, in the order the payments first moved. */
    Map<UUID, Move> moves() {
        return Collections.unmodifiableMap(moves);
    }

    static UUID parseUuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
