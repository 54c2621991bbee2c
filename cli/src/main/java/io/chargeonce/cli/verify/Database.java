package io.chargeonce.cli.verify;

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
 * payment-api's Postgres database as the verifier and the story read it: plain JDBC, read-only
 * connections, no pool (they read a few times and leave).
 */
public record Database(String jdbcUrl, String user, String password) {

    public static Database of(HistorySources sources) {
        return new Database(sources.jdbcUrl(), sources.jdbcUser(), sources.jdbcPassword());
    }

    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        connection.setReadOnly(true);
        return connection;
    }

    /**
     * Whether {@code table} exists on the connection's search path: a database migrated before
     * refunds has no {@code refunds} or {@code payment_history}, and reads as one without any.
     */
    public static boolean hasTable(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setString(1, table);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** A failure that names the database and what was being read, never a row. */
    public IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("could not read payment-api's " + what + " at " + jdbcUrl + ": " + e.getMessage(), e);
    }

    /** A payment or refund id as the tables key it; empty for a text that is not a UUID (no row can have it). */
    public static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    public static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
