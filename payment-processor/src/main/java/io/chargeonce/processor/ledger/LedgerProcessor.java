package io.chargeonce.processor.ledger;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.processor.PaymentTopology;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.processor.deadletter.Rejection;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.PaymentGateway;
import io.chargeonce.processor.reconcile.CallKind;
import io.chargeonce.processor.reconcile.Escalation;
import io.chargeonce.processor.reconcile.InFlightCalls;
import io.chargeonce.processor.reconcile.ReconcileLoop;
import io.chargeonce.processor.reconcile.Reconciler;
import io.chargeonce.processor.reconcile.Step;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Charges each payment once, without ever waiting on the provider. For a payment it has never
 * seen, it records attempt 1 in the ledger and only then starts the call on the gateway's threads.
 * A wall-clock punctuator on the stream thread applies finished calls to the ledger and publishes
 * their status and result, and re-drives entries whose next check is due, all inside the open EOS
 * transaction:
 * <ul>
 *   <li>crash before the commit: the request is processed again and charged again with the same
 *       key; the provider answers with the stored result;</li>
 *   <li>crash after the attempt committed: the restored entry is due at its next check and is
 *       re-driven (lookup by key, then charge with the same key);</li>
 *   <li>task moved or closed: {@link #close} drops late outcomes; the new owner re-drives.</li>
 * </ul>
 * Each payment gets exactly one terminal status and at most one result record, because only an
 * attempting entry accepts an outcome and the terminal entry is written in the same transaction.
 *
 * <p>The call/apply/re-drive loop is the {@link ReconcileLoop} refunds run too; this class says what
 * a new or replayed request means, what a charge call is, and what each turn logs and publishes.
 */
public final class LedgerProcessor implements Processor<String, ChargeRequest, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(LedgerProcessor.class);

    private final PaymentGateway gateway;
    private final Reconciler reconciler;
    private final Clock clock;
    private final Duration punctuationInterval;
    private final int dueBatch;
    private final ProcessorMetrics metrics;
    private final Serializer<PaymentRequested> requestSerializer;
    private ProcessorContext<Object, Object> context;
    private PaymentLedger ledger;
    private ReconcileLoop<LedgerEntry, LedgerEntry.Attempting, CallKind, ChargeOutcome> loop;

    /**
     * @param dueBatch          most due entries re-driven per punctuation, so a backlog after an
     *                          outage is worked off over several punctuations instead of one long one
     * @param requestSerializer re-encodes an escalated request for its dead letter
     */
    public LedgerProcessor(PaymentGateway gateway, Reconciler reconciler, Clock clock, Duration punctuationInterval,
                           int dueBatch, ProcessorMetrics metrics, Serializer<PaymentRequested> requestSerializer) {
        this.gateway = gateway;
        this.reconciler = reconciler;
        this.clock = clock;
        this.punctuationInterval = punctuationInterval;
        this.dueBatch = dueBatch;
        this.metrics = metrics;
        this.requestSerializer = requestSerializer;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        KeyValueStore<String, LedgerEntry> entries = context.getStateStore(PaymentLedger.LEDGER_STORE);
        KeyValueStore<Bytes, String> dueIndex = context.getStateStore(PaymentLedger.DUE_INDEX_STORE);
        this.ledger = new PaymentLedger(entries, dueIndex);
        this.loop = new ReconcileLoop<>(LedgerEntry.Attempting.class, ledger, reconciler, new Charging(),
                new InFlightCalls<>("task " + context.taskId() + " payments", ChargeOutcome.Unknown::new), clock, dueBatch);
        loop.schedule(context, punctuationInterval);
    }

    @Override
    public void process(Record<String, ChargeRequest> record) {
        ChargeRequest request = record.value();
        LedgerEntry known = ledger.find(request.paymentId()).orElse(null);
        int replays = request.replayCount();
        if (known instanceof LedgerEntry.NeedsAttention attention && replays > 0) {
            reopen(attention, request, replays);
            return;
        }
        if (known != null) {
            metrics.ledger(true);
            log.atInfo().addKeyValue("paymentId", request.paymentId()).addKeyValue("eventId", request.eventId())
                    .addKeyValue("decision", "duplicate").addKeyValue("ledgerState", known.state())
                    .log("payment {} already in the ledger as {} (attempt {}); request event {}{} ignored",
                            request.paymentId(), known.state(), known.attempt(), request.eventId(),
                            replays > 0 ? " (replay " + replays + ")" : "");
            return;
        }
        metrics.ledger(false);
        log.atInfo().addKeyValue("paymentId", request.paymentId()).addKeyValue("eventId", request.eventId())
                .addKeyValue("decision", "new")
                .log("payment {} (event {}): recording attempt 1 and charging", request.paymentId(), request.eventId());
        loop.execute(reconciler.begin(request, clock.instant()));
    }

    /**
     * An operator's replay (replay count > 0) of a payment waiting for a person: re-drive it with
     * its own key if the request is the same and the provider's window is still open. Anything
     * else stays as it is: a person must look again.
     */
    private void reopen(LedgerEntry.NeedsAttention entry, ChargeRequest replayed, int replays) {
        metrics.ledger(true);
        if (!entry.request().toCommand(entry.idempotencyKey()).equals(replayed.toCommand(entry.idempotencyKey()))) {
            log.warn("replay {} of event {} for payment {} ignored: its charge parameters differ from the ledger's",
                    replays, replayed.eventId(), replayed.paymentId());
            return;
        }
        reconciler.reopen(entry, replayed, clock.instant()).ifPresentOrElse(step -> {
            log.info("payment {} (NEEDS_ATTENTION) re-driven by replay {} of event {}: attempt {} with key {}",
                    replayed.paymentId(), replays, replayed.eventId(), step.next().attempt(), entry.idempotencyKey());
            loop.execute(step);
        }, () -> log.warn("replay {} of event {} for payment {} ignored: the provider's idempotency window since {} "
                        + "has passed, charging again could charge twice", replays, replayed.eventId(),
                replayed.paymentId(), entry.firstAttemptAt()));
    }

    /** What the loop's turns mean for a payment: the charge call, and what each turn logs, counts and publishes. */
    private final class Charging implements ReconcileLoop.Owner<LedgerEntry, LedgerEntry.Attempting, CallKind, ChargeOutcome> {

        @Override
        public CompletableFuture<ChargeOutcome> call(LedgerEntry.Attempting entry, CallKind call) {
            return switch (call) {
                case CHARGE -> gateway.charge(entry.request().toCommand(entry.idempotencyKey()), entry.request().traceparent());
                case LOOKUP -> gateway.lookup(entry.idempotencyKey(), entry.request().traceparent());
            };
        }

        @Override
        public void finished(String kind, ChargeOutcome outcome) {
            metrics.providerCall(kind, outcome);
        }

        @Override
        public void ignored(InFlightCalls.Call<CallKind> call, String kind, ChargeOutcome outcome, LedgerEntry entry) {
            log.info("outcome {} of {} for payment {} attempt {} ignored: the ledger has it as {}",
                    outcome.getClass().getSimpleName(), kind, call.subject(), call.attempt(),
                    entry == null ? "unknown" : entry.state() + " attempt " + entry.attempt());
        }

        @Override
        public void applying(InFlightCalls.Call<CallKind> call, String kind, ChargeOutcome outcome) {
            log.info("payment {} attempt {}: {} answered {}", call.subject(), call.attempt(), kind,
                    outcome.getClass().getSimpleName());
        }

        @Override
        public void due(LedgerEntry.Attempting due) {
            metrics.reconcileAttempt();
            log.info("payment {} due for reconcile after attempt {} ({})", due.paymentId(), due.attempt(),
                    due.lastUnknown() == null ? "no outcome recorded" : due.lastUnknown());
        }

        @Override
        public void waiting(LedgerEntry.Attempting entry, Instant now) {
            log.info("payment {} outcome unknown, next check at {}: {}", entry.paymentId(), entry.nextCheckAt(),
                    entry.lastUnknown());
            publishStatus(entry, now);
        }

        @Override
        public void settled(Step.Decide<LedgerEntry, LedgerEntry.Attempting, CallKind> decide, Instant now) {
            LedgerEntry entry = decide.next();
            log.atInfo().addKeyValue("paymentId", entry.paymentId()).addKeyValue("decision", "settled")
                    .addKeyValue("ledgerState", entry.state()).addKeyValue("attempt", entry.attempt())
                    .log("payment {} settled as {} after {} attempt(s)", entry.paymentId(), entry.state(), entry.attempt());
            metrics.settled(entry.state());
            publishStatus(entry, now);
            switch (entry) {
                case LedgerEntry.Confirmed confirmed -> forward(entry, PaymentEvents.confirmed(confirmed), PaymentTopology.CONFIRMED_SINK, now);
                case LedgerEntry.Failed failed -> forward(entry, PaymentEvents.failed(failed), PaymentTopology.FAILED_SINK, now);
                case LedgerEntry.NeedsAttention needsAttention -> {
                    if (decide.deadLetter() != null) {
                        deadLetter(needsAttention, decide.deadLetter());
                    }
                }
                case LedgerEntry.Attempting attempting -> throw new IllegalStateException("unreachable: Decide holds terminal entries");
            }
        }
    }

    private void publishStatus(LedgerEntry entry, Instant now) {
        forward(entry, PaymentEvents.status(entry, now), PaymentTopology.STATUS_SINK, now);
    }

    private void forward(LedgerEntry entry, Object value, String sink, Instant now) {
        context.forward(new Record<>(entry.paymentId(), value, now.toEpochMilli(),
                PaymentEvents.headers(entry.request().traceparent())), sink);
    }

    /** The payment needs a person (refused, or given up on): keep the request replayable next to why. */
    private void deadLetter(LedgerEntry.NeedsAttention entry, Escalation escalation) {
        ChargeRequest request = entry.request();
        Rejection rejection = Rejection.escalated(escalation, request.origin(), request.paymentId(),
                request.eventId(), request.traceparent(), request.replayCount(),
                requestSerializer.serialize(request.origin().topic(), request.toEvent()));
        context.forward(new Record<>(rejection.key(), rejection, clock.millis(), rejection.headers()), PaymentTopology.DEAD_LETTERS);
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
