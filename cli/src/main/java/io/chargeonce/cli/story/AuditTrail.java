package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One payment's rows of payment-api's {@code payment_history}, in the order they were written; none
 * for a database migrated before the trail existed, or an id that is not a UUID.
 */
final class AuditTrail {

    private static final String TABLE = "payment_history";

    private final Database database;

    AuditTrail(Database database) {
        this.database = database;
    }

    List<AuditEntry> of(String paymentId) {
        return Database.uuid(paymentId).map(this::of).orElse(List.of());
    }

    private List<AuditEntry> of(UUID id) {
        try (Connection connection = database.connect()) {
            if (!Database.hasTable(connection, TABLE)) {
                return List.of();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT refund_id, status, reason, event_id, occurred_at"
                    + " FROM " + TABLE + " WHERE payment_id = ? ORDER BY id")) {
                select.setObject(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    List<AuditEntry> entries = new ArrayList<>();
                    while (rows.next()) {
                        entries.add(new AuditEntry(Database.instant(rows.getTimestamp("occurred_at")), rows.getString("refund_id"),
                                rows.getString("status"), rows.getString("reason"), rows.getString("event_id")));
                    }
                    return entries;
                }
            }
        } catch (SQLException e) {
            throw database.failure(TABLE, e);
        }
    }
}
