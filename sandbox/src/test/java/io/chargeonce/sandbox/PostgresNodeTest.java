package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresNodeTest {

    private final PostgresNode postgres = Sandbox.shared().postgres();

    @Test
    void serverIsDurableAndConfiguredForLogicalDecoding() throws SQLException {
        DatabaseInfo db = postgres.createDatabase("settings");
        try (Connection connection = connect(db)) {
            // zonky's defaults (-F, synchronous_commit=off) would lose commits on a crash
            assertThat(show(connection, "fsync")).isEqualTo("on");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(show(connection, "full_page_writes")).isEqualTo("on");
            assertThat(show(connection, "wal_level")).isEqualTo("logical");
            assertThat(show(connection, "max_replication_slots")).isEqualTo("32");
            assertThat(show(connection, "max_wal_senders")).isEqualTo("32");
        }
    }

    @Test
    void pgoutputSlotCanBeCreatedByTheSandboxUser() throws SQLException {
        DatabaseInfo db = postgres.createDatabase("slot");
        try (Connection connection = connect(db); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT slot_name FROM pg_create_logical_replication_slot('sandbox_test_slot', 'pgoutput')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("sandbox_test_slot");
            }
            statement.execute("SELECT pg_drop_replication_slot('sandbox_test_slot')");
        }
    }

    @Test
    void createdDatabasesAreUniqueAndEmpty() throws SQLException {
        DatabaseInfo first = postgres.createDatabase("Orders-Test");
        DatabaseInfo second = postgres.createDatabase("Orders-Test");

        assertThat(first.name()).matches("orders_test_\\d+");
        assertThat(second.name()).matches("orders_test_\\d+").isNotEqualTo(first.name());
        assertThat(first.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + first.name());
        try (Connection connection = connect(first); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE only_in_first (id int)");
        }
        try (Connection connection = connect(second); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT to_regclass('only_in_first') IS NULL")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void databaseNamesNeedNoQuotingAndFitPostgresLimit() {
        String name = PostgresNode.databaseName("9 Lives/" + "x".repeat(80), 7);

        assertThat(name).startsWith("db_9_lives_").endsWith("_7").hasSizeLessThanOrEqualTo(63).matches("[a-z0-9_]+");
    }

    private static Connection connect(DatabaseInfo db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
