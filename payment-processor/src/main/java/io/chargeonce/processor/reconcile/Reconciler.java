package io.chargeonce.processor.reconcile;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.processor.ledger.ChargeRequest;
import io.chargeonce.processor.ledger.LedgerEntry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The charging policy, as pure decisions: given a ledger entry, what the provider said and the
 * time, what comes next. No I/O, no clock of its own, so every rule is testable in isolation.
 *
 * <ul>
 *   <li>A new payment is recorded as attempt 1 and charged with its idempotency key.</li>
 *   <li>A succeeded or declined outcome settles the payment; a rejection needs a person.</li>
 *   <li>An unknown outcome waits out a jittered backoff; then the payment is looked up by key and
 *       charged again with the same key only if the provider never saw it.</li>
 *   <li>No attempt past {@code maxAttempts}, and no charge once the provider's idempotency window
 *       since the first attempt has passed (the provider may have forgotten the key, so a charge
 *       could be a second one): those become NEEDS_ATTENTION with a reason that says so.</li>
 * </ul>
 */
public final class Reconciler {
    private final RetryLimits limits;

    public Reconciler(RetryLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A payment the ledger has never seen: record attempt 1, then charge. */
    public Step begin(ChargeRequest request, Instant now) {
        String key = IdempotencyKeys.forPayment(request.paymentId());
        return new Step.Call(LedgerEntry.Attempting.first(request, key, now, limits.deadlineFrom(now)), CallKind.CHARGE);
    }

    /**
     * An operator replayed the request of a NEEDS_ATTENTION payment: charge again with the same key
     * (the provider answers a key it already settled with that answer, so this cannot charge
     * twice), but only inside the idempotency window since the first attempt; past it, empty.
     */
    public Optional<Step> reopen(LedgerEntry.NeedsAttention entry, ChargeRequest replayed, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return Optional.empty();
        }
        return Optional.of(new Step.Call(entry.reopen(replayed, limits.deadlineFrom(now)), CallKind.CHARGE));
    }

    /** The provider answered a call of the entry's current attempt. */
    public Step afterOutcome(LedgerEntry.Attempting entry, CallKind call, ChargeOutcome outcome, Instant now) {
        return switch (outcome) {
            case ChargeOutcome.Succeeded succeeded -> new Step.Decide(entry.confirm(succeeded.chargeId(), now), null);
            case ChargeOutcome.Declined declined -> new Step.Decide(
                    entry.fail(declined.code(), "declined by the provider: " + declined.message(), now), null);
            case ChargeOutcome.Rejected rejected -> new Step.Decide(
                    entry.escalate("the provider rejected the " + describe(call) + " (" + rejected.code() + "): "
                            + rejected.message(), now),
                    "idempotency_error".equals(rejected.code()) ? FailureClass.IDEMPOTENCY_CONFLICT : FailureClass.PROVIDER_TERMINAL);
            case ChargeOutcome.NotFound ignored -> chargeIfSafe(entry, now);
            case ChargeOutcome.Unknown unknown -> unknown(entry, unknown.reason(), now);
        };
    }

    /**
     * The entry's next check is due and no call of this instance is working on it: the last
     * outcome was unknown, or a call was lost (crash, task moved, deadline passed).
     */
    public Step whenDue(LedgerEntry.Attempting entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, entry.lastUnknown() == null ? "the call was lost" : entry.lastUnknown(), now);
        }
        return new Step.Call(entry.nextAttempt(limits.deadlineFrom(now)), CallKind.LOOKUP);
    }

    /** A call that overran its deadline counts as an unknown outcome of its attempt. */
    public Step callLost(LedgerEntry.Attempting entry, Instant now) {
        return unknown(entry, limits.lostReason(), now);
    }

    private Step chargeIfSafe(LedgerEntry.Attempting entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        // Same attempt, same key: the lookup and this charge are one reconcile round.
        return new Step.Call(entry.checkAt(limits.deadlineFrom(now)), CallKind.CHARGE);
    }

    private Step unknown(LedgerEntry.Attempting entry, String reason, Instant now) {
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, reason, now);
        }
        return new Step.Wait(entry.unknownUntil(limits.nextCheckAfterUnknown(entry.attempt(), now),
                "attempt " + entry.attempt() + ": " + reason));
    }

    private Step exhausted(LedgerEntry.Attempting entry, String lastReason, Instant now) {
        return new Step.Decide(entry.escalate(limits.exhaustedReason(entry.attempt(), lastReason, entry.idempotencyKey()),
                now), null);
    }

    private Step windowPassed(LedgerEntry.Attempting entry, Instant now) {
        return new Step.Decide(entry.escalate(limits.windowPassedReason(entry.firstAttemptAt(), entry.attempt(),
                entry.idempotencyKey(), "charging again could charge twice"), now), null);
    }

    private static String describe(CallKind call) {
        return call == CallKind.CHARGE ? "charge" : "lookup";
    }
}
