package io.chargeonce.processor.refund;

import io.chargeonce.events.RefundRequested;
import io.chargeonce.processor.PaymentTopology;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.processor.deadletter.Rejection;
import io.chargeonce.processor.gateway.PaymentGateway;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerProcessor;
import io.chargeonce.processor.ledger.PaymentEvents;
import io.chargeonce.processor.ledger.PaymentLedger;
import io.chargeonce.processor.reconcile.Escalation;
import io.chargeonce.processor.reconcile.InFlightCalls;
import io.chargeonce.processor.reconcile.ReconcileLoop;
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
 * Refunds each refund at most once, the way {@link LedgerProcessor} charges: it decides a new
 * refund against the payment ledger (read-only, same task thanks to co-partitioning), records
 * attempt 1 in the refund ledger, reserving its amount, and only then starts the provider call
 * off-thread. A wall-clock punctuator applies finished calls and re-drives due refunds by key, all
 * inside the open EOS transaction, with the same crash and rebalance guarantees as charging: it is
 * the same {@link ReconcileLoop}, and this class says what a refund call is and what each turn of it
 * logs and publishes.
 *
 * <p>Because the reservation is written in the same transaction as the decision, and one task
 * processes a payment's refunds one at a time, two refunds can never both fit in the same
 * remaining amount: the second sees the first's reservation.
 */
public final class RefundProcessor implements Processor<String, RefundRequest, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(RefundProcessor.class);

    private final PaymentGateway gateway;
    private final RefundPolicy policy;
    private final Clock clock;
    private final Duration punctuationInterval;
    private final int dueBatch;
    private final ProcessorMetrics metrics;
    private final Serializer<RefundRequested> requestSerializer;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, LedgerEntry> payments;
    private RefundLedger ledger;
    private ReconcileLoop<RefundEntry, RefundEntry.Attempting, RefundCallKind, RefundOutcome> loop;

    /**
     * @param dueBatch          most due refunds re-driven per punctuation
     * @param requestSerializer re-encodes an escalated request for its dead letter
     */
    public RefundProcessor(PaymentGateway gateway, RefundPolicy policy, Clock clock, Duration punctuationInterval,
                           int dueBatch, ProcessorMetrics metrics, Serializer<RefundRequested> requestSerializer) {
        this.gateway = gateway;
        this.policy = policy;
        this.clock = clock;
        this.punctuationInterval = punctuationInterval;
        this.dueBatch = dueBatch;
        this.metrics = metrics;
        this.requestSerializer = requestSerializer;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.payments = context.getStateStore(PaymentLedger.LEDGER_STORE);
        KeyValueStore<String, RefundEntry> entries = context.getStateStore(RefundLedger.LEDGER_STORE);
        KeyValueStore<Bytes, String> dueIndex = context.getStateStore(RefundLedger.DUE_INDEX_STORE);
        KeyValueStore<String, String> byPayment = context.getStateStore(RefundLedger.BY_PAYMENT_STORE);
        this.ledger = new RefundLedger(entries, dueIndex, byPayment);
        this.loop = new ReconcileLoop<>(RefundEntry.Attempting.class, ledger, policy, new Refunding(),
                new InFlightCalls<>("task " + context.taskId() + " refunds", RefundOutcome.Unknown::new), clock, dueBatch);
        loop.schedule(context, punctuationInterval);
    }

    @Override
    public void process(Record<String, RefundRequest> record) {
        RefundRequest request = record.value();
        RefundEntry known = ledger.find(request.refundId()).orElse(null);
        int replays = request.replayCount();
        if (known instanceof RefundEntry.NeedsAttention attention && replays > 0) {
            reopen(attention, request, replays);
            return;
        }
        if (known != null) {
            metrics.refundDecision("duplicate");
            log.atInfo().addKeyValue("paymentId", request.paymentId()).addKeyValue("refundId", request.refundId())
                    .addKeyValue("eventId", request.eventId()).addKeyValue("decision", "duplicate")
                    .addKeyValue("refundStatus", known.status())
                    .log("refund {} of payment {} already in the refund ledger as {} (attempt {}); request event {}{} ignored",
                            request.refundId(), request.paymentId(), known.status(), known.attempt(), request.eventId(),
                            replays > 0 ? " (replay " + replays + ")" : "");
            return;
        }
        Step<RefundEntry, RefundEntry.Attempting, RefundCallKind> step = policy.begin(request, payments.get(request.paymentId()), ledger.reserved(request.paymentId()),
                clock.instant());
        String decision = step instanceof Step.Decide<RefundEntry, RefundEntry.Attempting, RefundCallKind> decide && decide.next() instanceof RefundEntry.Failed failed
                ? failed.reasonCode() : "new";
        metrics.refundDecision(decision);
        log.atInfo().addKeyValue("paymentId", request.paymentId()).addKeyValue("refundId", request.refundId())
                .addKeyValue("eventId", request.eventId()).addKeyValue("decision", decision)
                .log("refund {} of payment {} (event {}): {}", request.refundId(), request.paymentId(), request.eventId(),
                        decision.equals("new") ? "recording attempt 1 and refunding" : "refused before the provider (" + decision + ")");
        loop.execute(step);
    }

    /** An operator's replay of a NEEDS_ATTENTION refund: re-drive it with its own key if nothing changed. */
    private void reopen(RefundEntry.NeedsAttention entry, RefundRequest replayed, int replays) {
        metrics.refundDecision("replay");
        if (!entry.request().sameRefundAs(replayed)) {
            log.warn("replay {} of event {} for refund {} ignored: its parameters differ from the refund ledger's",
                    replays, replayed.eventId(), replayed.refundId());
            return;
        }
        policy.reopen(entry, replayed, clock.instant()).ifPresentOrElse(step -> {
            log.info("refund {} (NEEDS_ATTENTION) re-driven by replay {} of event {}: attempt {} with key {}",
                    replayed.refundId(), replays, replayed.eventId(), step.next().attempt(), entry.idempotencyKey());
            loop.execute(step);
        }, () -> log.warn("replay {} of event {} for refund {} ignored: the provider's idempotency window since {} "
                + "has passed, refunding again could refund twice", replays, replayed.eventId(), replayed.refundId(),
                entry.firstAttemptAt()));
    }

    /** What the loop's turns mean for a refund: the refund call, and what each turn logs, counts and publishes. */
    private final class Refunding implements ReconcileLoop.Owner<RefundEntry, RefundEntry.Attempting, RefundCallKind, RefundOutcome> {

        @Override
        public CompletableFuture<RefundOutcome> call(RefundEntry.Attempting entry, RefundCallKind call) {
            return switch (call) {
                case REFUND -> gateway.refund(entry.request().toCommand(entry.idempotencyKey(), entry.chargeId()),
                        entry.request().traceparent());
                case LOOKUP -> gateway.lookupRefund(entry.idempotencyKey(), entry.request().traceparent());
            };
        }

        @Override
        public void finished(String kind, RefundOutcome outcome) {
            metrics.providerRefundCall(kind, outcome);
        }

        @Override
        public void ignored(InFlightCalls.Call<RefundCallKind> call, String kind, RefundOutcome outcome, RefundEntry entry) {
            log.info("outcome {} of refund {} for refund {} attempt {} ignored: the refund ledger has it as {}",
                    outcome.getClass().getSimpleName(), kind, call.subject(), call.attempt(),
                    entry == null ? "missing" : entry.status() + " attempt " + entry.attempt());
        }

        @Override
        public void applying(InFlightCalls.Call<RefundCallKind> call, String kind, RefundOutcome outcome) {
            log.info("refund {} attempt {}: {} answered {}", call.subject(), call.attempt(), kind,
                    outcome.getClass().getSimpleName());
        }

        @Override
        public void due(RefundEntry.Attempting due) {
            metrics.reconcileAttempt();
            log.info("refund {} of payment {} due for reconcile after attempt {} ({})", due.refundId(), due.paymentId(),
                    due.attempt(), due.lastUnknown() == null ? "no outcome recorded" : due.lastUnknown());
        }

        @Override
        public void waiting(RefundEntry.Attempting entry, Instant now) {
            log.info("refund {} outcome unknown, next check at {}: {}", entry.refundId(), entry.nextCheckAt(),
                    entry.lastUnknown());
            publishStatus(entry, now);
        }

        @Override
        public void settled(Step.Decide<RefundEntry, RefundEntry.Attempting, RefundCallKind> decide, Instant now) {
            RefundEntry entry = decide.next();
            log.atInfo().addKeyValue("paymentId", entry.paymentId()).addKeyValue("refundId", entry.refundId())
                    .addKeyValue("decision", "settled").addKeyValue("refundStatus", entry.status())
                    .addKeyValue("attempt", entry.attempt())
                    .log("refund {} of payment {} settled as {} after {} attempt(s)", entry.refundId(), entry.paymentId(),
                            entry.status(), entry.attempt());
            metrics.refundSettled(entry.status());
            publishStatus(entry, now);
            switch (entry) {
                case RefundEntry.Succeeded succeeded -> forward(entry, RefundEvents.succeeded(succeeded), PaymentTopology.REFUND_RESULTS_SINK, now);
                case RefundEntry.Failed failed -> forward(entry, RefundEvents.failed(failed), PaymentTopology.REFUND_RESULTS_SINK, now);
                case RefundEntry.NeedsAttention needsAttention -> {
                    if (decide.deadLetter() != null) {
                        deadLetter(needsAttention, decide.deadLetter());
                    }
                }
                case RefundEntry.Attempting attempting -> throw new IllegalStateException("unreachable: Decide holds terminal entries");
            }
        }
    }

    private void publishStatus(RefundEntry entry, Instant now) {
        forward(entry, RefundEvents.status(entry, now), PaymentTopology.REFUND_STATUS_SINK, now);
    }

    private void forward(RefundEntry entry, Object value, String sink, Instant now) {
        context.forward(new Record<>(entry.paymentId(), value, now.toEpochMilli(),
                PaymentEvents.headers(entry.request().traceparent())), sink);
    }

    /** The refund needs a person (rejected, or given up on): keep the request replayable next to why. */
    private void deadLetter(RefundEntry.NeedsAttention entry, Escalation escalation) {
        RefundRequest request = entry.request();
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
