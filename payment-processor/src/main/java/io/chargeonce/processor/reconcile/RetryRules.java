package io.chargeonce.processor.reconcile;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The re-drive rules charges and refunds share, as pure decisions over {@link RetryLimits}: what an
 * unknown outcome, a lost call, a due check, an empty lookup, a rejection and an operator's reopen
 * lead to. The policies ({@link Reconciler}, {@code RefundPolicy}) keep what differs: what a new
 * request means and what a definite answer settles as.
 *
 * <ul>
 *   <li>An unknown outcome waits out a jittered backoff; then the key is looked up, and the call made
 *       again with the same key only if the provider decided nothing under it.</li>
 *   <li>No attempt past {@code maxAttempts}, and no call once the provider's idempotency window since
 *       the first attempt has passed (the provider may have forgotten the key, so the call could move
 *       money a second time): those need a person, with a reason naming the key.</li>
 *   <li>Every escalation dead-letters the request ({@link Escalation}): after a provider outage the
 *       stranded requests are what an operator replays, and the dead letter says whether the replay
 *       re-drives the entry (inside the window) or is ignored (past it).</li>
 * </ul>
 *
 * @param <K> the ledger's call kinds: {@code call} moves money, {@code lookup} asks what the key decided
 */
public final class RetryRules<E, A extends Attempt<E, A>, K> {
    private final RetryLimits limits;
    private final K call;
    private final K lookup;
    private final String risk;

    /** @param risk what calling again past the window could do, e.g. "charging again could charge twice" */
    public RetryRules(RetryLimits limits, K call, K lookup, String risk) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.call = Objects.requireNonNull(call, "call");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.risk = Objects.requireNonNull(risk, "risk");
    }

    /** Make the call for a new attempt; {@code attempt} builds it from its call's deadline. */
    public Step<E, A, K> call(Function<Instant, A> attempt, Instant now) {
        return new Step.Call<>(attempt.apply(limits.deadlineFrom(now)), call);
    }

    /**
     * An operator replayed the request of an entry that needs a person: call again with the same key
     * (the provider answers a key it already decided with that answer, so this cannot move money
     * twice), but only inside the idempotency window since {@code firstAttemptAt}; past it, empty.
     *
     * @param reopened builds the reopened attempt from its call's deadline
     */
    public Optional<Step<E, A, K>> reopen(Instant firstAttemptAt, Function<Instant, A> reopened, Instant now) {
        if (limits.pastWindow(firstAttemptAt, now)) {
            return Optional.empty();
        }
        return Optional.of(call(reopened, now));
    }

    /**
     * The entry's next check is due and no call of this instance is working on it: the last
     * outcome was unknown, or a call was lost (crash, task moved, deadline passed).
     */
    public Step<E, A, K> whenDue(A entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, entry.lastUnknown() == null ? "the call was lost" : entry.lastUnknown(), now);
        }
        return new Step.Call<>(entry.nextAttempt(limits.deadlineFrom(now)), lookup);
    }

    /** A call that overran its deadline counts as an unknown outcome of its attempt. */
    public Step<E, A, K> callLost(A entry, Instant now) {
        return unknown(entry, limits.lostReason(), now);
    }

    /** The lookup found nothing under the key: call again with it, unless the provider may have forgotten it. */
    public Step<E, A, K> callIfSafe(A entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        // Same attempt, same key: the lookup and this call are one reconcile round.
        return new Step.Call<>(entry.checkAt(limits.deadlineFrom(now)), call);
    }

    /** No answer to trust: wait and look up, or give up after the last attempt. */
    public Step<E, A, K> unknown(A entry, String reason, Instant now) {
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, reason, now);
        }
        return new Step.Wait<>(entry.unknownUntil(limits.nextCheckAfterUnknown(entry.attempt(), now),
                "attempt " + entry.attempt() + ": " + reason));
    }

    /** The provider refused the request itself ({@code code}): a person must look, and the request is dead-lettered. */
    public Step<E, A, K> rejected(A entry, String code, String reason, Instant now) {
        return new Step.Decide<>(entry.escalate(reason, now), Escalation.rejected(code, reason));
    }

    private Step<E, A, K> exhausted(A entry, String lastReason, Instant now) {
        String reason = limits.exhaustedReason(entry.attempt(), lastReason, entry.idempotencyKey());
        return new Step.Decide<>(entry.escalate(reason, now), Escalation.gaveUp(Escalation.RETRIES_EXHAUSTED,
                reason + limits.replayReDrives(entry.firstAttemptAt(), entry.idempotencyKey())));
    }

    private Step<E, A, K> windowPassed(A entry, Instant now) {
        String reason = limits.windowPassedReason(entry.firstAttemptAt(), entry.attempt(), entry.idempotencyKey(), risk);
        return new Step.Decide<>(entry.escalate(reason, now), Escalation.gaveUp(Escalation.IDEMPOTENCY_WINDOW_PASSED,
                reason + limits.replayIgnored(entry.idempotencyKey())));
    }
}
