package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.Database;
import io.chargeonce.events.PaymentStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * One row of payment-api's {@code payments} table by primary key, over plain JDBC, read-only. The
 * verifier's table reader reads every row and only the columns it judges by; a story needs one row
 * with its order, amount and key, so it asks for exactly that. The stored request and response
 * bodies are never selected.
 */
final class Intents {

    private final Database database;

    Intents(Database database) {
        this.database = database;
    }

    /** Empty if there is no such payment, including ids that are not UUIDs (payment ids always are). */
    Optional<Intent> find(String paymentId) {
        return Database.uuid(paymentId).flatMap(id -> find(paymentId, id));
    }

    private Optional<Intent> find(String paymentId, UUID id) {
        try (Connection connection = database.connect()) {
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
                            row.getString("provider_charge_id"), Database.instant(row.getTimestamp("created_at")),
                            Database.instant(row.getTimestamp("updated_at"))));
                }
            }
        } catch (SQLException e) {
            throw database.failure("payments", e);
        }
    }
}
