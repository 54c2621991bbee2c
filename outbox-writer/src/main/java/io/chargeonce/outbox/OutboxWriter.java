package io.chargeonce.outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes an event into the outbox on the caller's JDBC transaction, so the event exists if and
 * only if the caller's business change commits.
 *
 * <p>The row is inserted and deleted right away, on the same transaction: the write-ahead log
 * keeps the insert (which the relay reads through logical decoding), while the table itself never
 * grows and needs no cleanup job. A rolled-back transaction leaves nothing, not even in the log's
 * decoded output.
 *
 * <p>It refuses to run on an auto-commit connection: there, the event would be committed on its
 * own, before or without the business change, which is the exact bug an outbox exists to prevent.
 * It never commits, rolls back or closes the connection; that stays the caller's decision.
 */
public final class OutboxWriter {

    private static final Logger log = LoggerFactory.getLogger(OutboxWriter.class);

    private static final String INSERT = """
            INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent)
            VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String DELETE = "DELETE FROM outbox WHERE id = ?";

    /**
     * Inserts then deletes {@code event} on {@code transaction}.
     *
     * @throws IllegalStateException if {@code transaction} is in auto-commit mode
     * @throws SQLException          if the database refuses the write (e.g. a duplicate event id);
     *                               the caller's transaction is then aborted and must roll back
     */
    public void write(Connection transaction, OutboxEvent event) throws SQLException {
        if (transaction.getAutoCommit()) {
            throw new IllegalStateException("OutboxWriter.write needs an open transaction: call "
                    + "connection.setAutoCommit(false), write your business rows and the outbox event, then commit. "
                    + "In auto-commit mode the event would be published even if your business change is not.");
        }
        try (PreparedStatement insert = transaction.prepareStatement(INSERT)) {
            insert.setObject(1, event.id());
            insert.setString(2, event.aggregateType());
            insert.setString(3, event.aggregateId());
            insert.setString(4, event.type());
            insert.setBytes(5, event.payload());
            insert.setString(6, event.traceparent());
            insert.executeUpdate();
        }
        try (PreparedStatement delete = transaction.prepareStatement(DELETE)) {
            delete.setObject(1, event.id());
            delete.executeUpdate();
        }
        log.debug("outbox event {} ({} for {} {}) written on the caller's transaction",
                event.id(), event.type(), event.aggregateType(), event.aggregateId());
    }
}
