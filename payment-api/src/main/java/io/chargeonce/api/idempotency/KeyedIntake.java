package io.chargeonce.api.idempotency;

import io.chargeonce.api.merchant.Merchant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The idempotency machinery shared by every table whose rows a merchant creates under an
 * Idempotency-Key ({@code payments}, {@code refunds}): each such table has {@code id},
 * {@code merchant_id}, {@code idempotency_key}, {@code released_idempotency_key},
 * {@code idempotency_key_released_at}, {@code request_hash}, {@code response_status},
 * {@code response_body} and {@code created_at}, and a unique constraint on (merchant, key).
 *
 * <p>The unique index decides, never a read before the write: the row is inserted with
 * {@code ON CONFLICT DO NOTHING}, and only the transaction whose row went in goes on to write its
 * events. A concurrent request with the same key blocks on that index until the first commits
 * (then replays its stored response) or rolls back (then creates the row itself). It waits at most
 * the lock timeout, after which it answers "in progress" instead of holding a thread and a
 * connection indefinitely.
 *
 * <p>A key binds its row for {@code keyTtl} after the row was created (Stripe: 24 h). Only when
 * the insert meets a live key does the transaction try to release it, with one UPDATE whose WHERE
 * clause holds the expiry condition; the release and the new row commit together or not at all. A
 * concurrent request with the same expired key blocks on the released row, re-reads it after the
 * commit, finds the key gone from it and then meets the new row: one new row, the other request
 * replays it. The released row keeps existing and stays readable by id.
 */
public final class KeyedIntake {

    /** Postgres gave up waiting for a lock (lock_timeout), a serialization failure or a deadlock. */
    private static final Set<String> RETRYABLE_STATES = Set.of("55P03", "40001", "40P01");

    private static final Logger log = LoggerFactory.getLogger(KeyedIntake.class);

    /** One request's work inside its transaction. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Connection transaction) throws SQLException;
    }

    private final DataSource dataSource;
    private final String table;
    private final String subject;
    private final Duration lockTimeout;
    private final Duration keyTtl;
    private final Map<IdempotencyDecision, Counter> decisions = new EnumMap<>(IdempotencyDecision.class);

    /**
     * @param table   the keyed table, e.g. {@code payments}
     * @param subject the log word and key-value prefix of its rows, e.g. {@code payment} (logs {@code paymentId})
     * @param meter   counter of the decisions, tagged {@code outcome}
     */
    public KeyedIntake(DataSource dataSource, String table, String subject, Duration lockTimeout, Duration keyTtl,
                       String meter, MeterRegistry meters) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (!table.matches("[a-z_]+") || !subject.matches("[a-z]+")) {
            throw new IllegalArgumentException("table and subject are identifiers, got " + table + ", " + subject);
        }
        this.table = table;
        this.subject = subject;
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        this.keyTtl = Objects.requireNonNull(keyTtl, "keyTtl");
        for (IdempotencyDecision decision : IdempotencyDecision.values()) {
            decisions.put(decision, Counter.builder(meter)
                    .description("POST idempotency decisions on " + table)
                    .tag("outcome", decision.tag())
                    .register(meters));
        }
    }

    /**
     * Runs {@code work} in one transaction under the lock timeout and commits it.
     *
     * @param busy the answer when a lock was waited on too long, or Postgres gave up on a
     *             serialization failure or deadlock; nothing was written then
     * @throws SQLException on any other database failure; nothing was written then
     */
    public <R> R inTransaction(Work<R> work, Supplier<R> busy) throws SQLException {
        try (Connection transaction = dataSource.getConnection()) {
            transaction.setAutoCommit(false);
            try {
                try (Statement set = transaction.createStatement()) {
                    // SET LOCAL: the timeout dies with this transaction and never leaks into the pool.
                    set.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                }
                R result = work.run(transaction);
                transaction.commit();
                return result;
            } catch (SQLException e) {
                rollbackQuietly(transaction, e);
                if (!RETRYABLE_STATES.contains(e.getSQLState())) {
                    throw e;
                }
                return busy.get();
            } catch (RuntimeException e) {
                rollbackQuietly(transaction, e);
                throw e;
            }
        }
    }

    /**
     * Inserts the new row with {@code insert} (which must use {@code ON CONFLICT (merchant_id,
     * idempotency_key) DO NOTHING} and say whether its row went in), releasing an expired key on a
     * conflict; or answers what the live key is bound to.
     *
     * @param id       the new row's id
     * @param response the frozen response of the new row (status 202)
     */
    public IntakeResult claim(Connection transaction, Merchant merchant, IdempotencyKey key, Instant now,
                              byte[] fingerprint, UUID id, int httpStatus, byte[] response, Work<Boolean> insert)
            throws SQLException {
        // New keys, the common case, cost one statement; only a conflict pays for the release attempt.
        if (insert.run(transaction) || (releaseExpired(transaction, merchant, key, now) && insert.run(transaction))) {
            return IntakeResult.created(id, httpStatus, response);
        }
        // Rows are never deleted, so a conflict without a row means the schema changed under us.
        return bound(transaction, merchant, key, fingerprint, null).orElseThrow(() -> new IllegalStateException(
                table + " row vanished for merchant " + merchant.id() + " after an idempotency-key conflict"));
    }

    /**
     * What {@code key} is bound to now: the stored response if {@code fingerprint} matches, a
     * conflict otherwise, empty if no row holds it.
     *
     * @param liveAt if not null, a key older than the TTL at this instant counts as free (a later
     *               {@link #claim} releases it)
     */
    public Optional<IntakeResult> bound(Connection transaction, Merchant merchant, IdempotencyKey key,
                                        byte[] fingerprint, Instant liveAt) throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                "SELECT id, request_hash, response_status, response_body FROM " + table
                        + " WHERE merchant_id = ? AND idempotency_key = ?" + (liveAt == null ? "" : " AND created_at > ?"))) {
            select.setObject(1, merchant.id());
            select.setString(2, key.value());
            if (liveAt != null) {
                select.setTimestamp(3, Timestamp.from(liveAt.minus(keyTtl)));
            }
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                UUID existing = row.getObject("id", UUID.class);
                return Optional.of(MessageDigest.isEqual(fingerprint, row.getBytes("request_hash"))
                        ? IntakeResult.replayed(existing, row.getInt("response_status"), row.getBytes("response_body"))
                        : IntakeResult.conflict(existing));
            }
        }
    }

    /**
     * Moves {@code key} aside from the row holding it if that row was created at least
     * {@code keyTtl} before {@code now}. The expiry is checked by the UPDATE itself, under the row
     * lock, so a concurrent release or a fresh row with the same key can never be released twice.
     *
     * @return whether a key was released (the caller's insert can then take it)
     */
    private boolean releaseExpired(Connection transaction, Merchant merchant, IdempotencyKey key, Instant now)
            throws SQLException {
        try (PreparedStatement release = transaction.prepareStatement("UPDATE " + table + """
                 SET released_idempotency_key = idempotency_key, idempotency_key = NULL, idempotency_key_released_at = ?
                WHERE merchant_id = ? AND idempotency_key = ? AND created_at <= ?
                RETURNING id, created_at""")) {
            release.setTimestamp(1, Timestamp.from(now));
            release.setObject(2, merchant.id());
            release.setString(3, key.value());
            release.setTimestamp(4, Timestamp.from(now.minus(keyTtl)));
            try (ResultSet released = release.executeQuery()) {
                if (!released.next()) {
                    return false;
                }
                UUID expired = released.getObject("id", UUID.class);
                log.atInfo().addKeyValue(subject + "Id", expired).addKeyValue("merchantId", merchant.id())
                        .addKeyValue("idempotencyOutcome", "key-expired")
                        .log("{} {} merchant {} idempotency key released after {} (created {})", subject, expired,
                                merchant.id(), keyTtl, released.getTimestamp("created_at").toInstant());
                return true;
            }
        }
    }

    /**
     * Counts and logs a decision.
     *
     * @param paymentId the payment the request was about, logged beside the row id when the rows are
     *                  not payments themselves; null otherwise
     */
    public void decided(Merchant merchant, IntakeResult result, UUID paymentId) {
        decisions.get(result.decision()).increment();
        String decided = result.id() == null ? "-" : result.id().toString();
        var event = log.atInfo().addKeyValue(subject + "Id", decided);
        if (paymentId != null) {
            event = event.addKeyValue("paymentId", paymentId);
        }
        event.addKeyValue("merchantId", merchant.id()).addKeyValue("idempotencyOutcome", result.decision().tag())
                .log("{} {} merchant {} idempotency decision {}", subject, decided, merchant.id(),
                        result.decision().tag());
    }

    private static void rollbackQuietly(Connection transaction, Exception cause) {
        try {
            transaction.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
