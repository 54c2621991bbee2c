package io.chargeonce.processor;

import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.processor.deadletter.DeadLetterProcessor;
import io.chargeonce.processor.gateway.PaymentGateway;
import io.chargeonce.processor.inbox.InboxProcessor;
import io.chargeonce.processor.ledger.LedgerProcessor;
import io.chargeonce.processor.ledger.PaymentLedger;
import io.chargeonce.processor.reconcile.Backoff;
import io.chargeonce.processor.reconcile.Reconciler;
import io.chargeonce.processor.reconcile.RetryLimits;
import io.chargeonce.processor.request.RequestDecoder;
import io.chargeonce.processor.refund.RefundLedger;
import io.chargeonce.processor.refund.RefundPolicy;
import io.chargeonce.processor.refund.RefundProcessor;
import io.chargeonce.processor.refund.RefundValidationProcessor;
import io.chargeonce.processor.request.ValidationProcessor;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

import java.time.Clock;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The payment processor's topology, built as a pure function of its inputs: no broker, registry or
 * provider is contacted while building, so tests drive it with {@code TopologyTestDriver}.
 *
 * <pre>
 * payment requests ─▶ decode ─▶ inbox ─▶ validate ─┬─▶ ledger ─┬─▶ status / confirmed / failed
 *                                 │                │   (payment └─▶ dead letters (provider refused)
 *                            (one inbox store)     │   ledger store)
 *                                 │                ├─▶ dead letters ─▶ dlt.&lt;class&gt;
 *                                 │                └─▶ status (NEEDS_ATTENTION for a poisoned payment)
 * refund requests ──▶ decode ─▶ inbox ─▶ validate ─┬─▶ refund ledger ─┬─▶ refund status / refund results
 *                                                  │  (reads the      └─▶ dead letters (provider rejected)
 *                                                  │   payment ledger)
 *                                                  ├─▶ dead letters ─▶ dlt.&lt;class&gt;
 *                                                  └─▶ refund status (NEEDS_ATTENTION for a poisoned refund)
 * </pre>
 * All of it runs in one sub-topology (the shared inbox and payment ledger stores join the two
 * branches), so one EOS transaction covers the input offset, the inbox claim, the ledger writes
 * and every output record. Refund requests are keyed by payment id and co-partitioned with payment
 * requests, so a refund reaches the task that holds its payment's ledger entry.
 */
public final class PaymentTopology {
    public static final String SOURCE = "payment-requests-source";
    public static final String DECODER = "payment-requests-decoder";
    public static final String INBOX = "payment-requests-inbox";
    public static final String VALIDATION = "payment-requests-validation";
    public static final String LEDGER = "payment-ledger";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String STATUS_SINK = "payment-status-sink";
    public static final String CONFIRMED_SINK = "payment-confirmed-sink";
    public static final String FAILED_SINK = "payment-failed-sink";
    public static final String REFUND_SOURCE = "refund-requests-source";
    public static final String REFUND_DECODER = "refund-requests-decoder";
    public static final String REFUND_INBOX = "refund-requests-inbox";
    public static final String REFUND_VALIDATION = "refund-requests-validation";
    public static final String REFUND_LEDGER = "refund-ledger";
    public static final String REFUND_STATUS_SINK = "refund-status-sink";
    public static final String REFUND_RESULTS_SINK = "refund-results-sink";

    private PaymentTopology() {
    }

    public static String deadLetterSink(FailureClass failure) {
        return "dead-letter-sink-" + failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param random draws backoff jitter; seed it in tests
     */
    public static Topology build(ProcessorConfig config, EventSerdes serdes, PaymentGateway gateway,
                                 Clock clock, RandomGenerator random, MeterRegistry meterRegistry) {
        Topics topics = config.topics();
        ProcessorMetrics metrics = new ProcessorMetrics(meterRegistry);
        RetryLimits limits = new RetryLimits(config.maxAttempts(), config.providerIdempotencyWindow(),
                config.callDeadline(), new Backoff(config.retryBaseBackoff(), config.retryMaxBackoff(), random));
        Reconciler reconciler = new Reconciler(limits);
        Topology topology = new Topology();

        // 1. Read requests as raw bytes: a record that does not decode is ours to dead-letter, not a crashed task.
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.paymentRequests().name());

        // Decode once, keeping the raw bytes and origin for a possible dead letter.
        topology.addProcessor(DECODER, () -> new RequestDecoder<>(topics.paymentRequests().name(), serdes.requests(), PaymentRequested::getEventId), SOURCE);

        // 2. Drop event ids already processed (the relay delivers at least once).
        topology.addProcessor(INBOX, () -> new InboxProcessor<PaymentRequested>(config.inboxRetention(), metrics), DECODER);
        topology.addStateStore(InboxProcessor.store(config.inboxRetention()), INBOX);

        // 3. Undecodable or invalid → dead letters (and NEEDS_ATTENTION if the payment is known); the rest → ledger.
        topology.addProcessor(VALIDATION, () -> new ValidationProcessor(clock), INBOX);

        // 4 + 5. Record the attempt, charge off-thread, apply outcomes and re-drive due payments from a punctuator.
        topology.addProcessor(LEDGER, () -> new LedgerProcessor(gateway, reconciler, clock, config.outcomePollInterval(),
                config.dueBatch(), metrics, serdes.requests()), VALIDATION);
        topology.addStateStore(PaymentLedger.ledgerStore(), LEDGER, VALIDATION);
        topology.addStateStore(PaymentLedger.dueIndexStore(), LEDGER);

        // R1. Refund requests, raw bytes too, decoded once.
        topology.addSource(REFUND_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.refundRequests().name());
        topology.addProcessor(REFUND_DECODER, () -> new RequestDecoder<>(topics.refundRequests().name(),
                serdes.refundRequests(), RefundRequested::getEventId), REFUND_SOURCE);

        // R2. The SAME inbox store: event ids are unique across both topics, and sharing it joins the branches
        // into one sub-topology (one transaction for claim, refund ledger and outputs).
        topology.addProcessor(REFUND_INBOX, () -> new InboxProcessor<RefundRequested>(config.inboxRetention(), metrics),
                REFUND_DECODER);
        topology.connectProcessorAndStateStores(REFUND_INBOX, InboxProcessor.STORE);

        // R3. Undecodable or invalid → dead letters (and a NEEDS_ATTENTION refund status when the refund is known).
        topology.addProcessor(REFUND_VALIDATION, () -> new RefundValidationProcessor(clock), REFUND_INBOX);

        // R4. Decide against the payment ledger, record attempt 1 (reserving the amount), refund off-thread,
        // apply outcomes and re-drive due refunds from a punctuator.
        RefundPolicy refundPolicy = new RefundPolicy(limits);
        topology.addProcessor(REFUND_LEDGER, () -> new RefundProcessor(gateway, refundPolicy, clock,
                config.outcomePollInterval(), config.dueBatch(), metrics, serdes.refundRequests()), REFUND_VALIDATION);
        topology.addStateStore(RefundLedger.ledgerStore(), REFUND_LEDGER, REFUND_VALIDATION);
        topology.addStateStore(RefundLedger.dueIndexStore(), REFUND_LEDGER);
        topology.addStateStore(RefundLedger.byPaymentStore(), REFUND_LEDGER);
        topology.connectProcessorAndStateStores(REFUND_LEDGER, PaymentLedger.LEDGER_STORE);

        // Build the dead-letter envelope and route it to its class's topic (payment and refund requests alike).
        topology.addProcessor(DEAD_LETTERS, () -> new DeadLetterProcessor(clock, metrics, PaymentTopology::deadLetterSink),
                VALIDATION, LEDGER, REFUND_VALIDATION, REFUND_LEDGER);
        // A dead letter releases its event's inbox claim in the same transaction, so a replay is not a duplicate.
        topology.connectProcessorAndStateStores(DEAD_LETTERS, InboxProcessor.STORE);

        // 6. Outputs: status changes from validation and ledger; exactly one terminal result per payment.
        topology.addSink(STATUS_SINK, topics.paymentStatus().name(), new StringSerializer(), serdes.status(), VALIDATION, LEDGER);
        topology.addSink(CONFIRMED_SINK, topics.paymentConfirmed().name(), new StringSerializer(), serdes.confirmed(), LEDGER);
        topology.addSink(FAILED_SINK, topics.paymentFailed().name(), new StringSerializer(), serdes.failed(), LEDGER);
        // Every refund status change; exactly one result per refund that reached SUCCEEDED or FAILED.
        topology.addSink(REFUND_STATUS_SINK, topics.refundStatus().name(), new StringSerializer(), serdes.refundStatus(),
                REFUND_VALIDATION, REFUND_LEDGER);
        topology.addSink(REFUND_RESULTS_SINK, topics.refundResults().name(), new StringSerializer(), serdes.refundResults(),
                REFUND_LEDGER);
        for (FailureClass failure : FailureClass.values()) {
            topology.addSink(deadLetterSink(failure), topics.deadLetter(failure).name(), new ByteArraySerializer(),
                    serdes.deadLetter(failure), DEAD_LETTERS);
        }
        return topology;
    }
}
