package io.chargeonce.processor.reconcile;

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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The provider calls one ledger processor (one task) has started and not yet applied. Calls
 * complete on gateway threads and only enqueue; the stream thread {@link #drain drains} the
 * queue, so ledger writes and forwards stay on the stream thread inside the EOS transaction.
 *
 * <p>At most one call per subject (a payment, or a refund) is current. A completion that is no
 * longer current (the call was abandoned, or superseded) is dropped: its subject is re-driven by
 * key instead. After {@link #close} every completion is dropped, because the task may already
 * belong to another instance, which re-drives from the restored ledger.
 *
 * @param <K> which call was made ({@link CallKind} for charges)
 * @param <O> what the provider answered ({@code ChargeOutcome}, {@code RefundOutcome})
 */
public final class InFlightCalls<K, O> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** One started call for {@code subject}; {@code id} tells a current completion from a stale one. */
    public record Call<K>(long id, String subject, int attempt, K kind, Instant startedAt) {
    }

    public record Completed<K, O>(Call<K> call, O outcome) {
    }

    private final String owner;
    private final Function<String, O> unknown;
    private final Map<String, Call<K>> current = new HashMap<>();
    private final Queue<Completed<K, O>> completed = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * @param owner   names the task (and what it calls for) in logs
     * @param unknown the "unknown" outcome with a reason, for a call that threw or failed
     */
    public InFlightCalls(String owner, Function<String, O> unknown) {
        this.owner = owner;
        this.unknown = unknown;
    }

    /**
     * Tracks a call started by {@code start}. A start that throws, or a future that fails, becomes
     * an unknown outcome: the money may have moved, so it is reconciled like a timeout.
     */
    public Call<K> start(String subject, int attempt, K kind, Instant now, Supplier<CompletableFuture<O>> start) {
        Call<K> call = new Call<>(IDS.incrementAndGet(), subject, attempt, kind, now);
        current.put(subject, call);
        CompletableFuture<O> future;
        try {
            future = start.get();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((outcome, error) -> complete(call, outcome != null ? outcome
                : unknown.apply("gateway failed: " + (error == null ? "no outcome" : error.getClass().getSimpleName()))));
        return call;
    }

    public boolean isInFlight(String subject) {
        return current.containsKey(subject);
    }

    /** Forgets the subject's current call; its outcome, if it ever comes, is dropped. */
    public void abandon(String subject) {
        Call<K> call = current.remove(subject);
        if (call != null) {
            log.warn("{}: abandoned {} call {} of {} attempt {} started at {}",
                    owner, call.kind(), call.id(), subject, call.attempt(), call.startedAt());
        }
    }

    /** Completions of current calls, oldest first; stale ones are logged and dropped. */
    public List<Completed<K, O>> drain() {
        List<Completed<K, O>> ready = new ArrayList<>();
        for (Completed<K, O> next = completed.poll(); next != null; next = completed.poll()) {
            if (current.remove(next.call().subject(), next.call())) {
                ready.add(next);
            } else {
                log.info("{}: dropped stale outcome {} of {} call {} for {} attempt {}", owner,
                        next.outcome().getClass().getSimpleName(), next.call().kind(), next.call().id(),
                        next.call().subject(), next.call().attempt());
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
                    + "re-driven from the ledger: {}", owner, current.size(), current.keySet());
        }
        current.clear();
        completed.clear();
    }

    private void complete(Call<K> call, O outcome) {
        if (closed) {
            log.info("{}: dropped late outcome {} of {} call for {} attempt {} (task closed)", owner,
                    outcome.getClass().getSimpleName(), call.kind(), call.subject(), call.attempt());
            return;
        }
        completed.add(new Completed<>(call, outcome));
    }
}
