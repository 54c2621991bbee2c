package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.events.PaymentStatus;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * payment-api's {@code payments} table, read over plain JDBC (no pool: the verifier reads a few
 * times and leaves). Only ids, statuses, reasons and times: never the stored request or response.
 */
final class PaymentsTable {

    private final String jdbcUrl;
    private final String user;
    private final String password;

    PaymentsTable(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    List<Payment> all() {
        try (Connection connection = connect();
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
            throw failure(e);
        }
    }

    long pending() {
        try (Connection connection = connect();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM payments WHERE status = 'PENDING'");
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        connection.setReadOnly(true);
        return connection;
    }

    private IllegalStateException failure(SQLException e) {
        return new IllegalStateException("could not read payment-api's payments at " + jdbcUrl + ": " + e.getMessage(), e);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
