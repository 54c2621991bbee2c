package io.chargeonce.api.payment;

import io.chargeonce.api.history.HistoryEntry;
import io.chargeonce.api.history.PaymentHistory;
import io.chargeonce.api.idempotency.IdempotencyDecision;
import io.chargeonce.api.idempotency.IdempotencyKey;
import io.chargeonce.api.idempotency.IntakeResult;
import io.chargeonce.api.idempotency.KeyedIntake;
import io.chargeonce.api.merchant.Merchant;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.outbox.OutboxWriter;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns an idempotent payment request into exactly one payment intent, its first history row and
 * one outbox event, in one transaction. The key's claim, its expiry and the wait for a concurrent
 * request with the same key are {@link KeyedIntake}'s (see there); only the transaction whose
 * intent went in writes the rest.
 */
public final class PaymentIntake {

    /** Outbox {@code type} of the event this writes. */
    public static final String EVENT_TYPE = "PaymentRequested";
    /** Counter of the idempotency decisions, tagged {@code outcome}. */
    public static final String DECISIONS = "chargeonce.api.idempotency";

    private static final int ACCEPTED = 202;

    private final OutboxWriter outbox;
    private final AvroSerde<PaymentRequested> requestSerde;
    private final Clock clock;
    private final TimeOrderedIds ids;
    private final KeyedIntake keyed;

    public PaymentIntake(DataSource dataSource, OutboxWriter outbox, AvroSerde<PaymentRequested> requestSerde,
                         Clock clock, Duration lockTimeout, Duration keyTtl, MeterRegistry meters) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.requestSerde = Objects.requireNonNull(requestSerde, "requestSerde");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = new TimeOrderedIds(clock);
        this.keyed = new KeyedIntake(dataSource, "payments", "payment", lockTimeout, keyTtl, DECISIONS, meters);
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
        IntakeResult result = keyed.inTransaction(transaction -> {
            IntakeResult claimed = keyed.claim(transaction, merchant, key, now, fingerprint, paymentId, ACCEPTED,
                    response, t -> insertIntent(t, merchant, key, request, paymentId, now, fingerprint, response));
            if (claimed.decision() == IdempotencyDecision.NEW) {
                PaymentHistory.append(transaction, List.of(new HistoryEntry(paymentId, null,
                        PaymentState.PENDING.name(), null, null, now)));
                writeRequestedEvent(transaction, merchant, request, traceparent, paymentId, now);
            }
            return claimed;
        }, IntakeResult::inProgress);
        keyed.decided(merchant, result, null);
        return result;
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
}
