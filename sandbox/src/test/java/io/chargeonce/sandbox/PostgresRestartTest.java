package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Postgres as a fault test needs it: killed and restarted on the same data dir and port, losing no commit. */
class PostgresRestartTest {

    private static Sandbox sandbox;
    private static PostgresNode postgres;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.POSTGRES));
        postgres = sandbox.postgres();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void aCommitSurvivesKillMinus9AndTheServerComesBackOnTheSamePort() throws SQLException {
        DatabaseInfo db = postgres.createDatabase("crash");
        execute(db, "CREATE TABLE ledger (id int PRIMARY KEY, note text)");
        execute(db, "INSERT INTO ledger VALUES (1, 'committed before the crash')");
        long before = postgres.postmasterPid();
        int port = postgres.port();
        Connection openSession = connect(db);

        postgres.kill();

        assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(() -> query(openSession, "SELECT 1")).isInstanceOf(SQLException.class);

        postgres.start();

        assertThat(postgres.port()).isEqualTo(port);
        assertThat(postgres.postmasterPid()).isNotEqualTo(before);
        assertThat(rows(db)).containsExactly("1 committed before the crash");
        // the same durable, logical-decoding server as before the crash, not zonky's defaults
        try (Connection connection = connect(db)) {
            assertThat(query(connection, "SHOW fsync")).isEqualTo("on");
            assertThat(query(connection, "SHOW wal_level")).isEqualTo("logical");
        }
        openSession.close();
    }

    @Test
    void aStoppedServerStartsAgainWithItsDataAndCanBeKilledAgain() throws SQLException {
        DatabaseInfo db = postgres.createDatabase("stop");
        execute(db, "CREATE TABLE ledger (id int PRIMARY KEY, note text)");
        execute(db, "INSERT INTO ledger VALUES (1, 'before stop')");

        postgres.stop();
        assertThat(postgres.isRunning()).isFalse();
        assertThat(Ports.isFree(postgres.port())).isTrue();
        postgres.start();
        execute(db, "INSERT INTO ledger VALUES (2, 'after restart')");
        // a restarted server (run by pg_ctl, not zonky) can crash and come back too
        postgres.kill();
        postgres.start();

        assertThat(rows(db)).containsExactly("1 before stop", "2 after restart");
        assertThatThrownBy(postgres::start).hasMessageContaining("already running");
    }

    private static List<String> rows(DatabaseInfo db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect(db); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, note FROM ledger ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + " " + rs.getString(2));
            }
        }
        return rows;
    }

    private static void execute(DatabaseInfo db, String sql) throws SQLException {
        try (Connection connection = connect(db); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection connect(DatabaseInfo db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }
}
