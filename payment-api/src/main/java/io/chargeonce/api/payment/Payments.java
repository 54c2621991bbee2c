package io.chargeonce.api.payment;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Reads payments for their merchant; a payment of another merchant does not exist for the caller. */
public final class Payments {

    private final DataSource dataSource;

    public Payments(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Optional<Payment> find(UUID merchantId, UUID paymentId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT id, merchant_id, order_id, customer_id, amount_minor, currency, status, reason,
                            created_at, updated_at
                     FROM payments WHERE id = ? AND merchant_id = ?""")) {
            select.setObject(1, paymentId);
            select.setObject(2, merchantId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Payment(
                        row.getObject("id", UUID.class),
                        row.getObject("merchant_id", UUID.class),
                        row.getString("order_id"),
                        row.getString("customer_id"),
                        row.getLong("amount_minor"),
                        row.getString("currency"),
                        PaymentState.valueOf(row.getString("status")),
                        row.getString("reason"),
                        row.getTimestamp("created_at").toInstant(),
                        row.getTimestamp("updated_at").toInstant()));
            }
        }
    }
}
