package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.events.PaymentStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.chargeonce.cli.verify.Database.instant;

/**
 * payment-api's {@code payments} table. Only ids, statuses, reasons and times: never the stored
 * request or response.
 */
final class PaymentsTable {

    private final Database database;

    PaymentsTable(Database database) {
        this.database = database;
    }

    List<Payment> all() {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, merchant_id, status, reason, created_at, updated_at FROM payments ORDER BY created_at, id");
             ResultSet rows = select.executeQuery()) {
            List<Payment> payments = new ArrayList<>();
            while (rows.next()) {
                payments.add(new Payment(rows.getString("id"), rows.getString("merchant_id"),
                        PaymentStatus.valueOf(rows.getString("status")), rows.getString("reason"),
                        instant(rows.getTimestamp("created_at")), instant(rows.getTimestamp("updated_at"))));
            }
            return payments;
        } catch (SQLException e) {
            throw database.failure("payments", e);
        }
    }

    long pending() {
        try (Connection connection = database.connect();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM payments WHERE status = 'PENDING'");
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw database.failure("payments", e);
        }
    }
}
