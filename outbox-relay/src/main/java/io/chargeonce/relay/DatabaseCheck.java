package io.chargeonce.relay;

import io.chargeonce.relay.slot.ReplicationSlot;
import io.chargeonce.relay.slot.SlotState;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What the relay checks before it hands the database to Debezium, because Debezium's own errors
 * for these cases are late and cryptic: logical WAL, the outbox table (a filtered publication
 * cannot be created for a table that does not exist yet) and a slot nobody else is reading.
 */
final class DatabaseCheck {

    private final RelayConfig config;

    DatabaseCheck(RelayConfig config) {
        this.config = config;
    }

    /** @return the slot as it is before the relay starts, empty if Debezium will create it */
    Optional<SlotState> requireReady(ReplicationSlot slot) {
        RelayConfig.Database db = config.database();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            String walLevel = single(connection, "SHOW wal_level", null);
            if (!"logical".equals(walLevel)) {
                throw new IllegalStateException("Postgres at " + db + " runs with wal_level=" + walLevel
                        + "; the outbox relay needs wal_level=logical (set it and restart Postgres)");
            }
            if (single(connection, "SELECT to_regclass(?)::text", config.outboxTable()) == null) {
                throw new IllegalStateException("outbox table " + config.outboxTable() + " does not exist in " + db
                        + "; run the outbox-writer migration (OutboxMigration.migrate) before starting the relay");
            }
            Optional<SlotState> state = slot.read();
            if (state.isPresent() && state.get().active()) {
                throw new IllegalStateException("replication slot " + slot.name() + " is in use by another "
                        + "process (another relay?); one slot serves one relay");
            }
            return state;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check Postgres at " + db + " for the outbox relay: "
                    + e.getMessage(), e);
        }
    }

    private static String single(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
