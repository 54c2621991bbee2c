package io.chargeonce.api.refund;

import io.chargeonce.api.history.HistoryEntry;
import io.chargeonce.api.history.PaymentHistory;
import io.chargeonce.api.idempotency.IdempotencyDecision;
import io.chargeonce.api.idempotency.IdempotencyKey;
import io.chargeonce.api.idempotency.IntakeResult;
import io.chargeonce.api.idempotency.KeyedIntake;
import io.chargeonce.api.merchant.Merchant;
import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.api.payment.TimeOrderedIds;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.outbox.OutboxWriter;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an idempotent refund request into exactly one refund intent, its first history row and one
 * {@code RefundRequested} outbox event, in one transaction, and never lets the refunds of a payment
 * that are not FAILED add up to more than the payment.
 *
 * <p>Claim atomically, never check-then-act: the transaction first locks the payment row
 * ({@code SELECT ... FOR UPDATE}), so every refund of one payment is decided one after the other,
 * each seeing the refunds committed before it; the check "CONFIRMED and the amount fits" and the
 * insert then happen under that lock. The key is checked after the lock and before the rules, so a
 * retry of an accepted refund replays its frozen 202 even when the payment has nothing left to
 * refund (its own refund took it). Keys, their expiry and a concurrent request with the same key
 * for another payment are {@link KeyedIntake}'s. CONFIRMED is terminal, so no status event can
 * pull an accepted refund's payment out from under it.
 */
public final class RefundIntake {

    /** Outbox {@code type} of the event this writes. */
    public static final String EVENT_TYPE = "RefundRequested";
    /** Counter of the idempotency decisions on refunds, tagged {@code outcome}. */
    public static final String DECISIONS = "chargeonce.api.refund_idempotency";

    private static final Logger log = LoggerFactory.getLogger(RefundIntake.class);
    private static final int ACCEPTED = 202;

    private final OutboxWriter outbox;
    private final AvroSerde<RefundRequested> requestSerde;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final KeyedIntake keyed;

    /** The payment row as locked for the decision. */
    private record Locked(PaymentState status, long amountMinor, String currency) {
    }

    public RefundIntake(DataSource dataSource, OutboxWriter outbox, AvroSerde<RefundRequested> requestSerde,
                        Clock clock, Duration lockTimeout, Duration keyTtl, MeterRegistry meters) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.requestSerde = Objects.requireNonNull(requestSerde, "requestSerde");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = new TimeOrderedIds(clock);
        this.keyed = new KeyedIntake(dataSource, "refunds", "refund", lockTimeout, keyTtl, DECISIONS, meters);
    }

    /**
     * Creates the refund, refuses it, or finds what {@code key} is already bound to for {@code merchant}.
     *
     * @param traceparent W3C trace context to store with the outbox event
     * @throws SQLException on a database failure other than waiting too long for a lock; nothing was written then
     */
    public RefundOutcome submit(Merchant merchant, IdempotencyKey key, UUID paymentId, RefundRequest request,
                                String traceparent) throws SQLException {
        UUID refundId = ids.next();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] fingerprint = request.fingerprint(paymentId);
        RefundOutcome outcome = keyed.inTransaction(transaction -> {
            Optional<Locked> payment = lockPayment(transaction, merchant, paymentId);
            Optional<IntakeResult> bound = keyed.bound(transaction, merchant, key, fingerprint, now);
            if (bound.isPresent()) {
                return new RefundOutcome.Keyed(bound.get());
            }
            if (payment.isEmpty()) {
                return new RefundOutcome.PaymentNotFound();
            }
            if (payment.get().status() != PaymentState.CONFIRMED) {
                return new RefundOutcome.NotRefundable(payment.get().status());
            }
            long committed = committed(transaction, paymentId);
            long rest = payment.get().amountMinor() - committed;
            long amount = request.amountMinor() != null ? request.amountMinor() : rest;
            if (amount <= 0 || amount > rest) {
                return new RefundOutcome.ExceedsPayment(amount, payment.get().amountMinor(), committed);
            }
            String currency = payment.get().currency();
            byte[] response = RefundJson.accepted(refundId, paymentId, amount, currency, request.reason(), now);
            IntakeResult claimed = keyed.claim(transaction, merchant, key, now, fingerprint, refundId, ACCEPTED,
                    response, t -> insertRefund(t, merchant, key, paymentId, refundId, amount, currency,
                            request.reason(), fingerprint, response, now));
            if (claimed.decision() == IdempotencyDecision.NEW) {
                PaymentHistory.append(transaction, List.of(new HistoryEntry(paymentId, refundId,
                        RefundState.PENDING.name(), null, null, now)));
                writeRequestedEvent(transaction, merchant, paymentId, refundId, amount, currency, request.reason(),
                        traceparent, now);
            }
            return new RefundOutcome.Keyed(claimed);
        }, () -> new RefundOutcome.Keyed(IntakeResult.inProgress()));
        if (outcome instanceof RefundOutcome.Keyed keyedOutcome) {
            keyed.decided(merchant, keyedOutcome.result(), paymentId);
        } else {
            log.atInfo().addKeyValue("paymentId", paymentId).addKeyValue("merchantId", merchant.id())
                    .addKeyValue("decision", outcome.getClass().getSimpleName())
                    .log("refund of payment {} merchant {} refused: {}", paymentId, merchant.id(), outcome);
        }
        return outcome;
    }

    /** The merchant's payment, row-locked until the commit; empty if there is none. */
    private static Optional<Locked> lockPayment(Connection transaction, Merchant merchant, UUID paymentId)
            throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                "SELECT status, amount_minor, currency FROM payments WHERE id = ? AND merchant_id = ? FOR UPDATE")) {
            select.setObject(1, paymentId);
            select.setObject(2, merchant.id());
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new Locked(PaymentState.valueOf(row.getString("status")),
                        row.getLong("amount_minor"), row.getString("currency")))
                        : Optional.empty();
            }
        }
    }

    /**
     * What the payment's refunds hold: every one not FAILED. Read under the payment's lock, so no
     * refund can be added meanwhile; the inbox may move one to FAILED concurrently, which only
     * makes this sum larger than needed, never smaller.
     */
    private static long committed(Connection transaction, UUID paymentId) throws SQLException {
        try (PreparedStatement sum = transaction.prepareStatement(
                "SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE payment_id = ? AND status <> ?")) {
            sum.setObject(1, paymentId);
            sum.setString(2, RefundState.FAILED.name());
            try (ResultSet row = sum.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static boolean insertRefund(Connection transaction, Merchant merchant, IdempotencyKey key, UUID paymentId,
                                        UUID refundId, long amount, String currency, String reason,
                                        byte[] fingerprint, byte[] response, Instant now) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO refunds (id, payment_id, merchant_id, idempotency_key, request_hash, amount_minor, currency,
                                     merchant_reason, status, response_status, response_body, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (merchant_id, idempotency_key) DO NOTHING""")) {
            Timestamp createdAt = Timestamp.from(now);
            insert.setObject(1, refundId);
            insert.setObject(2, paymentId);
            insert.setObject(3, merchant.id());
            insert.setString(4, key.value());
            insert.setBytes(5, fingerprint);
            insert.setLong(6, amount);
            insert.setString(7, currency);
            insert.setString(8, reason);
            insert.setString(9, RefundState.PENDING.name());
            insert.setInt(10, ACCEPTED);
            insert.setBytes(11, response);
            insert.setTimestamp(12, createdAt);
            insert.setTimestamp(13, createdAt);
            return insert.executeUpdate() == 1;
        }
    }

    /** Aggregate id = the PAYMENT id: the Kafka key, so the refund reaches the task owning the payment's ledger. */
    private void writeRequestedEvent(Connection transaction, Merchant merchant, UUID paymentId, UUID refundId,
                                     long amount, String currency, String reason, String traceparent, Instant now)
            throws SQLException {
        UUID eventId = ids.next();
        RefundRequested event = RefundRequested.newBuilder()
                .setEventId(eventId.toString())
                .setRefundId(refundId.toString())
                .setPaymentId(paymentId.toString())
                .setMerchantId(merchant.id().toString())
                .setAmountMinor(amount)
                .setCurrency(currency)
                .setReason(reason)
                .setRequestedAt(now)
                .build();
        outbox.write(transaction, new OutboxEvent(eventId, Topics.REFUND_AGGREGATE, paymentId.toString(), EVENT_TYPE,
                requestSerde.serialize(event), traceparent));
    }
}
