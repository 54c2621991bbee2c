package io.chargeonce.api.refund;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Reads refunds for their merchant; another merchant's refunds do not exist for the caller. */
public final class Refunds {

    private static final String SELECT = """
            SELECT id, payment_id, status, reason, reason_code, amount_minor, currency, provider_refund_id,
                   created_at, updated_at
            FROM refunds WHERE merchant_id = ? AND payment_id = ?""";

    private final DataSource dataSource;

    public Refunds(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The payment's refunds, oldest first (ids are time-ordered; created_at breaks no tie they leave). */
    public List<Refund> of(UUID merchantId, UUID paymentId) throws SQLException {
        return select(merchantId, paymentId, null);
    }

    public Optional<Refund> find(UUID merchantId, UUID paymentId, UUID refundId) throws SQLException {
        return select(merchantId, paymentId, refundId).stream().findFirst();
    }

    private List<Refund> select(UUID merchantId, UUID paymentId, UUID refundId) throws SQLException {
        List<Refund> refunds = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     SELECT + (refundId == null ? "" : " AND id = ?") + " ORDER BY created_at, id")) {
            select.setObject(1, merchantId);
            select.setObject(2, paymentId);
            if (refundId != null) {
                select.setObject(3, refundId);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    refunds.add(new Refund(
                            row.getObject("id", UUID.class),
                            row.getObject("payment_id", UUID.class),
                            RefundState.valueOf(row.getString("status")),
                            row.getString("reason"),
                            row.getString("reason_code"),
                            row.getLong("amount_minor"),
                            row.getString("currency"),
                            row.getString("provider_refund_id"),
                            row.getTimestamp("created_at").toInstant(),
                            row.getTimestamp("updated_at").toInstant()));
                }
            }
        }
        return refunds;
    }
}
