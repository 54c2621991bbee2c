package io.chargeonce.processor.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The limits every re-drive by idempotency key obeys, for charges and refunds alike: how long a
 * call may stay without an outcome, how long to wait after an unknown one, how many attempts, and
 * the provider's idempotency window, past which a repeated call could move money a second time.
 *
 * @param callDeadline how long a started call may stay without an outcome before the ledger
 *                     presumes it lost and re-drives it; also how long a new owner waits after a crash
 */
public record RetryLimits(int maxAttempts, Duration idempotencyWindow, Duration callDeadline, Backoff backoff) {

    public RetryLimits {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(backoff, "backoff");
    }

    /** When a call started now must have an outcome. */
    public Instant deadlineFrom(Instant now) {
        return now.plus(callDeadline);
    }

    /** When to check again after attempt {@code attempt} ended without a definite answer (jittered). */
    public Instant nextCheckAfterUnknown(int attempt, Instant now) {
        return now.plus(backoff.delayAfter(attempt));
    }

    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }

    /** Whether the provider may have forgotten a key first used at {@code firstAttemptAt}. */
    public boolean pastWindow(Instant firstAttemptAt, Instant now) {
        return !now.isBefore(firstAttemptAt.plus(idempotencyWindow));
    }

    public String exhaustedReason(int attempt, String lastReason, String key) {
        return "no definite answer from the provider after " + attempt + " attempt(s) (last: " + lastReason
                + "); look up key " + key + " at the provider";
    }

    /** @param risk what calling again could do, e.g. "charging again could charge twice" */
    public String windowPassedReason(Instant firstAttemptAt, int attempt, String key, String risk) {
        return "the provider's idempotency window (" + idempotencyWindow + ") has passed since the first attempt at "
                + firstAttemptAt + ", after " + attempt + " attempt(s) without a definite answer; " + risk
                + ", look up key " + key + " at the provider";
    }

    /**
     * What a dead letter of an entry that ran out of attempts tells the operator a replay does: it
     * re-drives the entry with its own key until the window since {@code firstAttemptAt} closes.
     */
    public String replayReDrives(Instant firstAttemptAt, String key) {
        return "; 'chargeonce dlt replay' of this dead letter before " + firstAttemptAt.plus(idempotencyWindow)
                + " (the provider's idempotency window since the first attempt) re-drives it with its own key " + key
                + ", which the provider answers with whatever it already decided under it, so money cannot move twice;"
                + " after that the ledger ignores the replay";
    }

    /** What a dead letter of an entry past the window tells the operator a replay does: nothing. */
    public String replayIgnored(String key) {
        return "; a replay of this dead letter is ignored by the ledger (the window has passed): settle key " + key
                + " by hand at the provider";
    }

    public String lostReason() {
        return "no outcome within " + callDeadline.toMillis() + " ms";
    }
}
