package io.chargeonce.api.inbox;

import io.chargeonce.api.payment.PaymentState;
import io.chargeonce.events.PaymentStatusChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * Applies one status event to the payment it names, in one Postgres transaction that first claims
 * the event id in {@code status_inbox}. The claim is an insert that does nothing on a known id, so
 * a redelivered event changes nothing even when two consumers race on it; and because the claim
 * commits with the status change, a crash in between leaves neither.
 */
public final class StatusApplier {

    private static final Logger log = LoggerFactory.getLogger(StatusApplier.class);

    private final DataSource dataSource;
    private final Clock clock;

    public StatusApplier(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @throws SQLException if the database failed; nothing was claimed or changed, retry the event */
    public InboxOutcome apply(PaymentStatusChanged event) throws SQLException {
        try (Connection transaction = dataSource.getConnection()) {
            transaction.setAutoCommit(false);
            try {
                InboxOutcome outcome = applyIn(transaction, event);
                transaction.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                try {
                    transaction.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private InboxOutcome applyIn(Connection transaction, PaymentStatusChanged event) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        PaymentState next = PaymentState.of(event.getStatus());
        if (!claim(transaction, event, now)) {
            log.debug("status event {} for payment {} already applied", event.getEventId(), event.getPaymentId());
            return InboxOutcome.DUPLICATE;
        }
        UUID paymentId = parseUuid(event.getPaymentId());
        UUID merchantId = parseUuid(event.getMerchantId());
        PaymentState current = paymentId == null || merchantId == null ? null : lockState(transaction, paymentId, merchantId);
        if (current == null) {
            log.warn("status event {} names payment {} of merchant {}, which does not exist here: ignored",
                    event.getEventId(), event.getPaymentId(), event.getMerchantId());
            return InboxOutcome.UNKNOWN_PAYMENT;
        }
        if (!current.canMoveTo(next)) {
            log.warn("status event {} would move payment {} from {} to {}: illegal transition ignored",
                    event.getEventId(), paymentId, current, next);
            return InboxOutcome.ILLEGAL_TRANSITION;
        }
        try (PreparedStatement update = transaction.prepareStatement("""
                UPDATE payments
                SET status = ?, reason = ?, provider_charge_id = coalesce(?, provider_charge_id), updated_at = ?
                WHERE id = ?""")) {
            update.setString(1, next.name());
            update.setString(2, event.getReason());
            update.setString(3, event.getProviderChargeId());
            update.setTimestamp(4, now);
            update.setObject(5, paymentId);
            update.executeUpdate();
        }
        log.info("payment {} moved from {} to {} by status event {} (attempt {})",
                paymentId, current, next, event.getEventId(), event.getAttempt());
        return InboxOutcome.APPLIED;
    }

    private static boolean claim(Connection transaction, PaymentStatusChanged event, Timestamp now) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO status_inbox (event_id, payment_id, status, received_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (event_id) DO NOTHING""")) {
            insert.setString(1, event.getEventId());
            insert.setString(2, event.getPaymentId());
            insert.setString(3, event.getStatus().name());
            insert.setTimestamp(4, now);
            return insert.executeUpdate() == 1;
        }
    }

    /** The payment's state, row-locked until commit so two status events cannot interleave on it. */
    private static PaymentState lockState(Connection transaction, UUID paymentId, UUID merchantId) throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                "SELECT status FROM payments WHERE id = ? AND merchant_id = ? FOR UPDATE")) {
            select.setObject(1, paymentId);
            select.setObject(2, merchantId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? PaymentState.valueOf(row.getString("status")) : null;
            }
        }
    }

    private static UUID parseUuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
