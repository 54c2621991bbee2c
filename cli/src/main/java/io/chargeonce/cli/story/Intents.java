package io.chargeonce.cli.story;

import io.chargeonce.events.PaymentStatus;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One row of payment-api's {@code payments} table by primary key, over plain JDBC, read-only. The
 * verifier's table reader reads every row and only the columns it judges by; a story needs one row
 * with its order, amount and key, so it asks for exactly that. The stored request and response
 * bodies are never selected.
 */
final class Intents {

    private final String jdbcUrl;
    private final String user;
    private final String password;

    Intents(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Empty if there is no such payment, including ids that are not UUIDs (payment ids always are). */
    Optional<Intent> find(String paymentId) {
        UUID id;
        try {
            id = UUID.fromString(paymentId);
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            connection.setReadOnly(true);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT merchant_id, order_id, amount_minor, currency,"
                            + " COALESCE(idempotency_key, released_idempotency_key) AS idempotency_key, status, reason,"
                            + " provider_charge_id, created_at, updated_at FROM payments WHERE id = ?")) {
                select.setObject(1, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    String key = row.getString("idempotency_key");
                    return Optional.of(new Intent(paymentId, row.getString("merchant_id"), row.getString("order_id"),
                            row.getLong("amount_minor"), row.getString("currency"), Intent.prefixOf(key), key.length(),
                            PaymentStatus.valueOf(row.getString("status")), row.getString("reason"),
                            row.getString("provider_charge_id"), instant(row.getTimestamp("created_at")),
                            instant(row.getTimestamp("updated_at"))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read payment-api's payments at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
