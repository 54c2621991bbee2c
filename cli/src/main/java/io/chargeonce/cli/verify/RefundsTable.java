package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.RefundHistory.Refund;
import io.chargeonce.events.RefundStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.chargeonce.cli.verify.Database.instant;

/**
 * payment-api's {@code refunds} table, read only if it exists (a database migrated before refunds
 * has none, and reads as empty). Ids, amounts, statuses, chargeonce's reasons and times only: never
 * the merchant's free-text reason, the idempotency key or the stored request or response.
 */
public final class RefundsTable {

    private static final String TABLE = "refunds";
    private static final String COLUMNS = "id, payment_id, merchant_id, amount_minor, currency, status, reason, reason_code,"
            + " provider_refund_id, created_at, updated_at";

    private final Database database;

    public RefundsTable(Database database) {
        this.database = database;
    }

    /** Every refund, oldest first. */
    public List<Refund> all() {
        return select("SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY created_at, id", null);
    }

    /** One payment's refunds, oldest first; none for an id that is not a UUID (payment ids always are). */
    public List<Refund> ofPayment(String paymentId) {
        return Database.uuid(paymentId)
                .map(id -> select("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE payment_id = ? ORDER BY created_at, id", id))
                .orElse(List.of());
    }

    long pending() {
        try (Connection connection = database.connect()) {
            if (!Database.hasTable(connection, TABLE)) {
                return 0;
            }
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT count(*) FROM " + TABLE + " WHERE status = 'PENDING'");
                 ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw database.failure(TABLE, e);
        }
    }

    private List<Refund> select(String sql, UUID paymentId) {
        try (Connection connection = database.connect()) {
            if (!Database.hasTable(connection, TABLE)) {
                return List.of();
            }
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (paymentId != null) {
                    select.setObject(1, paymentId);
                }
                try (ResultSet rows = select.executeQuery()) {
                    List<Refund> refunds = new ArrayList<>();
                    while (rows.next()) {
                        refunds.add(new Refund(rows.getString("id"), rows.getString("payment_id"),
                                rows.getString("merchant_id"), rows.getLong("amount_minor"), rows.getString("currency"),
                                RefundStatus.valueOf(rows.getString("status")), rows.getString("reason"),
                                rows.getString("reason_code"), rows.getString("provider_refund_id"),
                                instant(rows.getTimestamp("created_at")), instant(rows.getTimestamp("updated_at"))));
                    }
                    return refunds;
                }
            }
        } catch (SQLException e) {
            throw database.failure(TABLE, e);
        }
    }
}
