package io.chargeonce.outbox;

import io.chargeonce.sandbox.DatabaseInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outbox writer against a real Postgres, looking at the table and at what logical decoding
 * (what the relay reads) sees of it.
 */
class OutboxWriterTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static DataSource dataSource;
    private static WalPeek wal;
    private final OutboxWriter writer = new OutboxWriter();

    @BeforeAll
    static void migrateAndOpenSlot() throws SQLException {
        DatabaseInfo database = TestPostgres.node().createDatabase("outbox_writer");
        dataSource = database.dataSource();
        OutboxMigration.migrate(dataSource);
        wal = new WalPeek(database.jdbcUrl(), database.user(), database.password());
    }

    @AfterAll
    static void dropSlot() throws SQLException {
        if (wal != null) {
            wal.close();
        }
    }

    @Test
    void refusesToWriteOnAnAutoCommitConnection() throws SQLException {
        OutboxEvent event = event(TRACEPARENT);
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();

            assertThatThrownBy(() -> writer.write(connection, event))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("setAutoCommit(false)");
        }
        // Had it run, auto-commit would have published the event on its own: it must not be in the WAL.
        assertThat(wal.changesOf(event.id())).isEmpty();
    }

    @Test
    void aRolledBackTransactionLeavesNoTrace() throws SQLException {
        OutboxEvent event = event(TRACEPARENT);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            writer.write(connection, event);
            connection.rollback();
        }

        assertThat(outboxRows()).isZero();
        assertThat(wal.changesOf(event.id())).isEmpty();
    }

    @Test
    void aCommittedEventLeavesTheTableEmptyAndItsInsertInTheWal() throws SQLException {
        OutboxEvent event = event(TRACEPARENT);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            writer.write(connection, event);
            assertThat(outboxRows(connection)).as("rows visible inside the writing transaction").isZero();
            connection.commit();
        }

        assertThat(outboxRows()).isZero();
        var changes = wal.changesOf(event.id());
        assertThat(changes).extracting(WalPeek.Change::kind).containsExactly('I', 'D');
        assertThat(changes).extracting(WalPeek.Change::xid).as("insert and delete in one transaction").containsOnly(changes.getFirst().xid());
        var inserted = changes.getFirst();
        assertThat(inserted.table()).isEqualTo("public.outbox");
        assertThat(inserted.columns())
                .containsEntry("aggregatetype", "payment")
                .containsEntry("aggregateid", "pay-1")
                .containsEntry("type", "PaymentRequested")
                .containsEntry("payload", "\\x" + HexFormat.of().formatHex(event.payload()))
                .containsEntry("traceparent", event.traceparent())
                .containsKey("created_at");
    }

    @Test
    void anEventWithoutTraceparentIsWrittenWithNull() throws SQLException {
        OutboxEvent event = event(null);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            writer.write(connection, event);
            connection.commit();
        }

        var inserted = wal.changesOf(event.id()).getFirst();
        assertThat(inserted.kind()).isEqualTo('I');
        assertThat(inserted.columns()).doesNotContainKey("traceparent").containsEntry("type", "PaymentRequested");
    }

    private static OutboxEvent event(String traceparent) {
        return new OutboxEvent(UUID.randomUUID(), "payment", "pay-1", "PaymentRequested",
                ("payload-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), traceparent);
    }

    private static long outboxRows() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return outboxRows(connection);
        }
    }

    private static long outboxRows(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM outbox")) {
            count.next();
            return count.getLong(1);
        }
    }
}
