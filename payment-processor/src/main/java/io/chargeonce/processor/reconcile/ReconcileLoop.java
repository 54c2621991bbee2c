package io.chargeonce.processor.reconcile;

import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The control loop a ledger processor (one task) runs around its provider calls, the same for
 * charges and refunds: save the step's entry first, then call, wait or settle; from a wall-clock
 * punctuator on the stream thread, apply finished calls (dropping outcomes the ledger has moved
 * past) and re-drive the entries whose next check is due, presuming a call still in flight past
 * its deadline lost. Every ledger write and forward happens on the stream thread, inside the open
 * EOS transaction, so an entry, its outputs and its index key commit or roll back together.
 *
 * <p>The loop does nothing observable itself: what a call is, and every log line, metric and record
 * it leads to, belong to the {@link Owner} (the processor), so each ledger keeps its own words.
 *
 * @param <E> the ledger's entry type
 * @param <A> its attempting state
 * @param <K> which provider calls it makes; its lower-case name is the call's name in logs and metrics
 * @param <O> what the provider answers
 */
public final class ReconcileLoop<E, A extends Attempt<E, A>, K extends Enum<K>, O> implements AutoCloseable {

    /** Where the entries live: every write goes through {@link #save}, which keeps the due index in step. */
    public interface Ledger<E, A> {
        Optional<E> find(String subject);

        void save(E entry);

        /** Attempting entries whose next check is at or before {@code now}, earliest first, at most {@code limit}. */
        List<A> dueBy(Instant now, int limit);
    }

    /** The pure decisions of a ledger once a call was made (see {@link RetryRules} for the shared ones). */
    public interface Policy<E, A extends Attempt<E, A>, K, O> {
        /** The provider answered a call of the entry's current attempt. */
        Step<E, A, K> afterOutcome(A entry, K call, O outcome, Instant now);

        /** The entry's next check is due and no call of this instance is working on it. */
        Step<E, A, K> whenDue(A entry, Instant now);

        /** A call that overran its deadline counts as an unknown outcome of its attempt. */
        Step<E, A, K> callLost(A entry, Instant now);
    }

    /** What differs between ledgers: the provider call, and what each turn of the loop logs, counts and publishes. */
    public interface Owner<E, A extends Attempt<E, A>, K, O> {
        /** Starts {@code call} for {@code entry} with its key; returns at once. */
        CompletableFuture<O> call(A entry, K call);

        /** A call finished, current or not; {@code kind} is the call's name. */
        void finished(String kind, O outcome);

        /** A finished call's outcome is dropped: {@code entry} (null if missing) is no longer at its attempt. */
        void ignored(InFlightCalls.Call<K> call, String kind, O outcome, E entry);

        /** A finished call's outcome is about to be applied to its current attempt. */
        void applying(InFlightCalls.Call<K> call, String kind, O outcome);

        /** {@code entry} is due and no call is in flight for it: it is about to be reconciled. */
        void due(A entry);

        /** {@code entry}'s outcome is unknown and it was saved to be checked again: report it PENDING. */
        void waiting(A entry, Instant now);

        /** {@code decide}'s terminal entry was saved: publish its status and result, dead-letter if asked. */
        void settled(Step.Decide<E, A, K> decide, Instant now);
    }

    private final Class<A> attempting;
    private final Ledger<E, A> ledger;
    private final Policy<E, A, K, O> policy;
    private final Owner<E, A, K, O> owner;
    private final InFlightCalls<K, O> calls;
    private final Clock clock;
    private final int dueBatch;
    private Cancellable punctuation;

    /**
     * @param attempting the attempting state's class, to tell a current entry from a moved-on one
     * @param dueBatch   most due entries re-driven per punctuation, so a backlog after an outage is
     *                   worked off over several punctuations instead of one long one
     */
    public ReconcileLoop(Class<A> attempting, Ledger<E, A> ledger, Policy<E, A, K, O> policy, Owner<E, A, K, O> owner,
                         InFlightCalls<K, O> calls, Clock clock, int dueBatch) {
        this.attempting = Objects.requireNonNull(attempting, "attempting");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dueBatch = dueBatch;
    }

    /** Runs {@link #tick} on the stream thread every {@code interval} of wall-clock time until {@link #close}. */
    public void schedule(ProcessorContext<?, ?> context, Duration interval) {
        this.punctuation = context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, ignored -> tick());
    }

    /** Saves the step's entry first, then calls, waits or settles: nothing leaves before the ledger says so. */
    public void execute(Step<E, A, K> step) {
        Instant now = clock.instant();
        ledger.save(step.next());
        switch (step) {
            case Step.Call<E, A, K> call -> start(call.attempting(), call.call(), now);
            case Step.Wait<E, A, K> wait -> owner.waiting(wait.attempting(), now);
            case Step.Decide<E, A, K> decide -> owner.settled(decide, now);
        }
    }

    /** Applies finished calls, then re-drives what is due. Runs on the stream thread. */
    void tick() {
        for (InFlightCalls.Completed<K, O> done : calls.drain()) {
            apply(done);
        }
        Instant now = clock.instant();
        for (A due : ledger.dueBy(now, dueBatch)) {
            if (calls.isInFlight(due.subject())) {
                // Past its deadline with no outcome: presume it lost rather than wait forever.
                calls.abandon(due.subject());
                execute(policy.callLost(due, now));
            } else {
                owner.due(due);
                execute(policy.whenDue(due, now));
            }
        }
    }

    private void apply(InFlightCalls.Completed<K, O> done) {
        InFlightCalls.Call<K> call = done.call();
        String kind = call.kind().name().toLowerCase(Locale.ROOT);
        owner.finished(kind, done.outcome());
        E entry = ledger.find(call.subject()).orElse(null);
        if (!attempting.isInstance(entry) || attempting.cast(entry).attempt() != call.attempt()) {
            owner.ignored(call, kind, done.outcome(), entry);
            return;
        }
        owner.applying(call, kind, done.outcome());
        execute(policy.afterOutcome(attempting.cast(entry), call.kind(), done.outcome(), clock.instant()));
    }

    private void start(A entry, K kind, Instant now) {
        calls.start(entry.subject(), entry.attempt(), kind, now, () -> owner.call(entry, kind));
    }

    /** Stops the punctuator and drops the calls in flight: the task's next owner re-drives them from the ledger. */
    @Override
    public void close() {
        if (punctuation != null) {
            punctuation.cancel();
        }
        calls.close();
    }
}
