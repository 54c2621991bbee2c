package io.chargeonce.api.payment;

import io.chargeonce.api.merchant.Merchant;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.outbox.OutboxWriter;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.Topics;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Turns an idempotent payment request into exactly one payment intent and one outbox event.
 *
 * <p>The unique index on (merchant, idempotency key) decides, never a read before the write: the
 * intent is inserted with {@code ON CONFLICT DO NOTHING}, and only the transaction whose row went
 * in writes the outbox event, in the same transaction. A concurrent request with the same key
 * blocks on that index until the first commits (then replays its stored response) or rolls back
 * (then creates the payment itself). It waits at most the configured lock timeout, after which it
 * answers "in progress" instead of holding a thread and a connection indefinitely.
 *
 * <p>A key binds its payment for {@code keyTtl} after the payment was created (Stripe: 24 h). Only
 * when the insert meets a live key does the transaction try to release it, with one UPDATE whose
 * WHERE clause holds the expiry condition; the release and the new payment commit together or not
 * at all. A concurrent request with the same expired key blocks on the released row, re-reads it
 * after the commit, finds the key gone from it and then meets the new payment: one new payment,
 * the other request replays it. The released payment keeps existing and stays readable by id.
 */
public final class PaymentIntake {

    /** Outbox {@code type} of the event this writes. */
    public static final String EVENT_TYPE = "PaymentRequested";

    private static final Logger log = LoggerFactory.getLogger(PaymentIntake.class);

    private static final int ACCEPTED = 202;
    /** Postgres gave up waiting for a lock (lock_timeout), a serialization failure or a deadlock. */
    private static final Set<String> RETRYABLE_STATES = Set.of("55P03", "40001", "40P01");

    private final DataSource dataSource;
    private final OutboxWriter outbox;
    private final AvroSerde<PaymentRequested> requestSerde;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final Duration lockTimeout;
    private final Duration keyTtl;
    private final Map<IdempotencyDecision, Counter> decisions = new EnumMap<>(IdempotencyDecision.class);

    public PaymentIntake(DataSource dataSource, OutboxWriter outbox, AvroSerde<PaymentRequested> requestSerde,
                         Clock clock, Duration lockTimeout, Duration keyTtl, MeterRegistry meters) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.requestSerde = Objects.requireNonNull(requestSerde, "requestSerde");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = new TimeOrderedIds(clock);
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        this.keyTtl = Objects.requireNonNull(keyTtl, "keyTtl");
        for (IdempotencyDecision decision : IdempotencyDecision.values()) {
            decisions.put(decision, Counter.builder("chargeonce.api.idempotency")
                    .description("POST /payments idempotency decisions")
                    .tag("outcome", decision.tag())
                    .register(meters));
        }
    }

    /**
     * Creates the payment, or finds what {@code key} is already bound to for {@code merchant}.
     *
     * @param traceparent W3C trace context to store with the outbox event
     * @throws SQLException on a database failure other than waiting too long for a concurrent
     *                      request; nothing was written then
     */
    public IntakeResult submit(Merchant merchant, IdempotencyKey key, PaymentRequest request, String traceparent)
            throws SQLException {
        UUID paymentId = ids.next();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] fingerprint = request.fingerprint();
        byte[] response = PaymentJson.accepted(paymentId, request, now);
        IntakeResult result;
        try (Connection transaction = dataSource.getConnection()) {
            transaction.setAutoCommit(false);
            try {
                result = submitIn(transaction, merchant, key, request, traceparent, paymentId, now, fingerprint, response);
                transaction.commit();
            } catch (SQLException e) {
                rollbackQuietly(transaction, e);
                if (!RETRYABLE_STATES.contains(e.getSQLState())) {
                    throw e;
                }
                result = IntakeResult.inProgress();
            } catch (RuntimeException e) {
                rollbackQuietly(transaction, e);
                throw e;
            }
        }
        decisions.get(result.decision()).increment();
        String decided = result.paymentId() == null ? "-" : result.paymentId().toString();
        log.atInfo().addKeyValue("paymentId", decided).addKeyValue("merchantId", merchant.id())
                .addKeyValue("idempotencyOutcome", result.decision().tag())
                .log("payment {} merchant {} idempotency decision {}", decided, merchant.id(), result.decision().tag());
        return result;
    }

    private IntakeResult submitIn(Connection transaction, Merchant merchant, IdempotencyKey key, PaymentRequest request,
                                  String traceparent, UUID paymentId, Instant now, byte[] fingerprint, byte[] response)
            throws SQLException {
        try (Statement set = transaction.createStatement()) {
            // SET LOCAL: the timeout dies with this transaction and never leaks into the pool.
            set.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
        }
        // New keys, the common case, cost one statement; only a conflict pays for the release attempt.
        if (insertIntent(transaction, merchant, key, request, paymentId, now, fingerprint, response)
                || (releaseExpired(transaction, merchant, key, now)
                && insertIntent(transaction, merchant, key, request, paymentId, now, fingerprint, response))) {
            writeRequestedEvent(transaction, merchant, request, traceparent, paymentId, now);
            return IntakeResult.created(paymentId, ACCEPTED, response);
        }
        try (PreparedStatement select = transaction.prepareStatement("""
                SELECT id, request_hash, response_status, response_body
                FROM payments WHERE merchant_id = ? AND idempotency_key = ?""")) {
            select.setObject(1, merchant.id());
            select.setString(2, key.value());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    // Rows are never deleted, so a conflict without a row means the schema changed under us.
                    throw new IllegalStateException("payments row vanished for merchant " + merchant.id()
                            + " after an idempotency-key conflict");
                }
                UUID existing = row.getObject("id", UUID.class);
                return MessageDigest.isEqual(fingerprint, row.getBytes("request_hash"))
                        ? IntakeResult.replayed(existing, row.getInt("response_status"), row.getBytes("response_body"))
                        : IntakeResult.conflict(existing);
            }
        }
    }

    /**
     * Moves {@code key} aside from the payment holding it if that payment was created at least
     * {@code keyTtl} before {@code now}. The expiry is checked by the UPDATE itself, under the row
     * lock, so a concurrent release or a fresh payment with the same key can never be released twice.
     *
     * @return whether a key was released (the caller's insert can then take it)
     */
    private boolean releaseExpired(Connection transaction, Merchant merchant, IdempotencyKey key, Instant now)
            throws SQLException {
        try (PreparedStatement release = transaction.prepareStatement("""
                UPDATE payments
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
                log.atInfo().addKeyValue("paymentId", expired).addKeyValue("merchantId", merchant.id())
                        .addKeyValue("idempotencyOutcome", "key-expired")
                        .log("payment {} merchant {} idempotency key released after {} (created {})", expired,
                                merchant.id(), keyTtl, released.getTimestamp("created_at").toInstant());
                return true;
            }
        }
    }

    private static boolean insertIntent(Connection transaction, Merchant merchant, IdempotencyKey key,
                                        PaymentRequest request, UUID paymentId, Instant now, byte[] fingerprint,
                                        byte[] response) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement("""
                INSERT INTO payments (id, merchant_id, idempotency_key, request_hash, order_id, customer_id,
                                      amount_minor, currency, status, response_status, response_body,
                                      created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (merchant_id, idempotency_key) DO NOTHING""")) {
            Timestamp createdAt = Timestamp.from(now);
            insert.setObject(1, paymentId);
            insert.setObject(2, merchant.id());
            insert.setString(3, key.value());
            insert.setBytes(4, fingerprint);
            insert.setString(5, request.orderId());
            insert.setString(6, request.customerId());
            insert.setLong(7, request.amountMinor());
            insert.setString(8, request.currency());
            insert.setString(9, PaymentState.PENDING.name());
            insert.setInt(10, ACCEPTED);
            insert.setBytes(11, response);
            insert.setTimestamp(12, createdAt);
            insert.setTimestamp(13, createdAt);
            return insert.executeUpdate() == 1;
        }
    }

    private void writeRequestedEvent(Connection transaction, Merchant merchant, PaymentRequest request,
                                     String traceparent, UUID paymentId, Instant now) throws SQLException {
        UUID eventId = ids.next();
        PaymentRequested event = PaymentRequested.newBuilder()
                .setEventId(eventId.toString())
                .setPaymentId(paymentId.toString())
                .setMerchantId(merchant.id().toString())
                .setOrderId(request.orderId())
                .setCustomerId(request.customerId())
                .setAmountMinor(request.amountMinor())
                .setCurrency(request.currency())
                .setRequestedAt(now)
                .build();
        outbox.write(transaction, new OutboxEvent(eventId, Topics.PAYMENT_AGGREGATE, paymentId.toString(), EVENT_TYPE,
                requestSerde.serialize(event), traceparent));
    }

    private static void rollbackQuietly(Connection transaction, Exception cause) {
        try {
            transaction.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
