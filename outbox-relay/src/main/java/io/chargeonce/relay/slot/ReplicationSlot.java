package io.chargeonce.relay.slot;

import io.chargeonce.relay.RelayConfig.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The relay's view of its Postgres replication slot, over a plain JDBC connection opened per
 * call (these are rare: start, stop, a metrics scrape). Debezium creates the slot and moves it;
 * this class only reads it and, when asked, drops it.
 */
public final class ReplicationSlot {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSlot.class);

    private static final String READ = """
            SELECT slot_name, active, restart_lsn::text, confirmed_flush_lsn::text,
                   COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint AS retained
              FROM pg_replication_slots
             WHERE slot_name = ?""";
    private static final String TERMINATE_HOLDER = """
            SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
             WHERE slot_name = ? AND active_pid IS NOT NULL""";
    private static final String DROP = """
            SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
             WHERE slot_name = ? AND NOT active""";

    private static final String OBJECT_IN_USE = "55006";

    private final Database database;
    private final String name;

    public ReplicationSlot(Database database, String name) {
        this.database = database;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The slot's state, or empty if it does not exist (first start, or dropped). */
    public Optional<SlotState> read() throws SQLException {
        try (Connection connection = connect(); PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, name);
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SlotState(row.getString(1), row.getBoolean(2), row.getString(3),
                        row.getString(4), row.getLong(5)));
            }
        }
    }

    /**
     * Drops the slot, disconnecting whoever still holds it (a relay that is shutting down keeps
     * its walsender for a moment after it closed). Returns whether a slot was dropped; false if
     * there was none.
     *
     * @throws SQLException if the slot is still held after {@code patience}
     */
    public boolean drop(Duration patience) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        try (Connection connection = connect()) {
            while (true) {
                if (!exists(connection)) {
                    return false;
                }
                if (tryDrop(connection)) {
                    log.info("replication slot {} dropped", name);
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    throw new SQLException("replication slot " + name + " is still in use after " + patience
                            + "; stop the process holding it (see pg_replication_slots.active_pid) and drop it by hand");
                }
                execute(connection, TERMINATE_HOLDER);
                // The terminated walsender releases the slot asynchronously; a short pause
                // beats hammering the server with drop attempts.
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private boolean tryDrop(Connection connection) throws SQLException {
        try {
            return execute(connection, DROP);
        } catch (SQLException e) {
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                return false; // taken again between our check and the drop: retry
            }
            throw e;
        }
    }

    private boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, name);
            try (ResultSet row = read.executeQuery()) {
                return row.next();
            }
        }
    }

    private boolean execute(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }
}
