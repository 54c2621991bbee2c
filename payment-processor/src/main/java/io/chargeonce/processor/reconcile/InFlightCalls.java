package io.chargeonce.processor.reconcile;

import io.chargeonce.processor.gateway.ChargeOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The provider calls one ledger processor (one task) has started and not yet applied. Calls
 * complete on gateway threads and only enqueue; the stream thread {@link #drain drains} the
 * queue, so ledger writes and forwards stay on the stream thread inside the EOS transaction.
 *
 * <p>At most one call per payment is current. A completion that is no longer current (the call
 * was abandoned, or superseded) is dropped: its payment is re-driven by key instead. After
 * {@link #close} every completion is dropped, because the task may already belong to another
 * instance, which re-drives from the restored ledger.
 */
public final class InFlightCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** One started call; {@code id} tells a current completion from a stale one. */
    public record Call(long id, String paymentId, int attempt, CallKind kind, Instant startedAt) {
    }

    public record Completed(Call call, ChargeOutcome outcome) {
    }

    private final String owner;
    private final Map<String, Call> current = new HashMap<>();
    private final Queue<Completed> completed = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** @param owner names the task in logs */
    public InFlightCalls(String owner) {
        this.owner = owner;
    }

    /**
     * Tracks a call started by {@code start}. A start that throws, or a future that fails, becomes
     * an {@link ChargeOutcome.Unknown}: the charge may have left, so it is reconciled like a timeout.
     */
    public Call start(String paymentId, int attempt, CallKind kind, Instant now,
                      Supplier<CompletableFuture<ChargeOutcome>> start) {
        Call call = new Call(IDS.incrementAndGet(), paymentId, attempt, kind, now);
        current.put(paymentId, call);
        CompletableFuture<ChargeOutcome> future;
        try {
            future = start.get();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((outcome, error) -> complete(call, outcome != null ? outcome
                : new ChargeOutcome.Unknown("gateway failed: " + (error == null ? "no outcome" : error.getClass().getSimpleName()))));
        return call;
    }

    public boolean isInFlight(String paymentId) {
        return current.containsKey(paymentId);
    }

    /** Forgets the payment's current call; its outcome, if it ever comes, is dropped. */
    public void abandon(String paymentId) {
        Call call = current.remove(paymentId);
        if (call != null) {
            log.warn("{}: abandoned {} call {} of payment {} attempt {} started at {}",
                    owner, call.kind(), call.id(), paymentId, call.attempt(), call.startedAt());
        }
    }

    /** Completions of current calls, oldest first; stale ones are logged and dropped. */
    public List<Completed> drain() {
        List<Completed> ready = new ArrayList<>();
        for (Completed next = completed.poll(); next != null; next = completed.poll()) {
            if (current.remove(next.call().paymentId(), next.call())) {
                ready.add(next);
            } else {
                log.info("{}: dropped stale outcome {} of {} call {} for payment {} attempt {}", owner,
                        next.outcome().getClass().getSimpleName(), next.call().kind(), next.call().id(),
                        next.call().paymentId(), next.call().attempt());
            }
        }
        return ready;
    }

    public int size() {
        return current.size();
    }

    /** Drops every call still in flight; logs them so an operator can see what the next owner re-drives. */
    @Override
    public void close() {
        closed = true;
        if (!current.isEmpty()) {
            log.info("{}: closing with {} provider call(s) in flight, their outcomes will be dropped and "
                    + "the payments re-driven from the ledger: {}", owner, current.size(), current.keySet());
        }
        current.clear();
        completed.clear();
    }

    private void complete(Call call, ChargeOutcome outcome) {
        if (closed) {
            log.info("{}: dropped late outcome {} of {} call for payment {} attempt {} (task closed)", owner,
                    outcome.getClass().getSimpleName(), call.kind(), call.paymentId(), call.attempt());
            return;
        }
        completed.add(new Completed(call, outcome));
    }
}
