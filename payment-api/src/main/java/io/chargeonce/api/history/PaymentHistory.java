package io.chargeonce.api.history;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The audit trail of {@code payment_history}: one row per state change of a payment and of its
 * refunds. Rows are written only on the transaction that makes the change (the writer takes the
 * caller's connection and never commits), so the trail holds a change if and only if it happened;
 * they are read back in the order they were written.
 */
public final class PaymentHistory {

    private final DataSource dataSource;

    public PaymentHistory(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Appends {@code entries}, in their order, on the caller's open transaction. */
    public static void append(Connection transaction, List<HistoryEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException("history rows are written on the transaction of the change they record");
        }
        List<Object> payments = new ArrayList<>();
        List<Object> refunds = new ArrayList<>();
        List<Object> statuses = new ArrayList<>();
        List<Object> reasons = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        List<Object> times = new ArrayList<>();
        for (HistoryEntry entry : entries) {
            payments.add(entry.paymentId());
            refunds.add(entry.refundId());
            statuses.add(entry.status());
            reasons.add(entry.reason());
            events.add(entry.eventId());
            times.add(Timestamp.from(entry.at()));
        }
        // WITH ORDINALITY + ORDER BY: the bigserial ids follow the order of the changes.
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO payment_history (payment_id, refund_id, status, reason, event_id, occurred_at)
                SELECT h.payment_id, h.refund_id, h.status, h.reason, h.event_id, h.occurred_at
                FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                     WITH ORDINALITY AS h(payment_id, refund_id, status, reason, event_id, occurred_at, n)
                ORDER BY h.n""")) {
            insert.setArray(1, transaction.createArrayOf("uuid", payments.toArray()));
            insert.setArray(2, transaction.createArrayOf("uuid", refunds.toArray()));
            insert.setArray(3, transaction.createArrayOf("text", statuses.toArray()));
            insert.setArray(4, transaction.createArrayOf("text", reasons.toArray()));
            insert.setArray(5, transaction.createArrayOf("text", events.toArray()));
            insert.setArray(6, transaction.createArrayOf("timestamptz", times.toArray()));
            insert.executeUpdate();
        }
    }

    /** Every change of the payment and its refunds, oldest first. */
    public List<HistoryEntry> of(UUID paymentId) throws SQLException {
        List<HistoryEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT payment_id, refund_id, status, reason, event_id, occurred_at
                     FROM payment_history WHERE payment_id = ? ORDER BY id""")) {
            select.setObject(1, paymentId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new HistoryEntry(rows.getObject("payment_id", UUID.class),
                            rows.getObject("refund_id", UUID.class), rows.getString("status"),
                            rows.getString("reason"), rows.getString("event_id"),
                            rows.getTimestamp("occurred_at").toInstant()));
                }
            }
        }
        return entries;
    }
}
