package io.chargeonce.processor.reconcile;

import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.processor.ledger.ChargeRequest;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerEntry.Attempting;

import java.time.Instant;
import java.util.Optional;

/**
 * The charging policy, as pure decisions: given a ledger entry, what the provider said and the
 * time, what comes next. No I/O, no clock of its own, so every rule is testable in isolation.
 *
 * <ul>
 *   <li>A new payment is recorded as attempt 1 and charged with its idempotency key.</li>
 *   <li>A succeeded or declined outcome settles the payment; a rejection needs a person.</li>
 *   <li>Everything else (unknown outcomes, lost calls, lookups, limits) follows the {@link RetryRules}
 *       refunds share: a charge is made again only with the same key, only if the provider never saw
 *       it, and never past {@code maxAttempts} or the provider's idempotency window.</li>
 * </ul>
 */
public final class Reconciler implements ReconcileLoop.Policy<LedgerEntry, Attempting, CallKind, ChargeOutcome> {
    private final RetryRules<LedgerEntry, Attempting, CallKind> rules;

    public Reconciler(RetryLimits limits) {
        this.rules = new RetryRules<>(limits, CallKind.CHARGE, CallKind.LOOKUP, "charging again could charge twice");
    }

    /** A payment the ledger has never seen: record attempt 1, then charge. */
    public Step<LedgerEntry, Attempting, CallKind> begin(ChargeRequest request, Instant now) {
        String key = IdempotencyKeys.forPayment(request.paymentId());
        return rules.call(deadline -> Attempting.first(request, key, now, deadline), now);
    }

    /**
     * An operator replayed the request of a NEEDS_ATTENTION payment: charge again with the same key,
     * inside the idempotency window since the first attempt only; past it, empty.
     */
    public Optional<Step<LedgerEntry, Attempting, CallKind>> reopen(LedgerEntry.NeedsAttention entry,
                                                                   ChargeRequest replayed, Instant now) {
        return rules.reopen(entry.firstAttemptAt(), deadline -> entry.reopen(replayed, deadline), now);
    }

    @Override
    public Step<LedgerEntry, Attempting, CallKind> afterOutcome(Attempting entry, CallKind call, ChargeOutcome outcome,
                                                                Instant now) {
        return switch (outcome) {
            case ChargeOutcome.Succeeded succeeded -> new Step.Decide<>(entry.confirm(succeeded.chargeId(), now), null);
            case ChargeOutcome.Declined declined -> new Step.Decide<>(
                    entry.fail(declined.code(), "declined by the provider: " + declined.message(), now), null);
            case ChargeOutcome.Rejected rejected -> rules.rejected(entry, rejected.code(), "the provider rejected the "
                    + describe(call) + " (" + rejected.code() + "): " + rejected.message(), now);
            case ChargeOutcome.NotFound ignored -> rules.callIfSafe(entry, now);
            case ChargeOutcome.Unknown unknown -> rules.unknown(entry, unknown.reason(), now);
        };
    }

    @Override
    public Step<LedgerEntry, Attempting, CallKind> whenDue(Attempting entry, Instant now) {
        return rules.whenDue(entry, now);
    }

    @Override
    public Step<LedgerEntry, Attempting, CallKind> callLost(Attempting entry, Instant now) {
        return rules.callLost(entry, now);
    }

    private static String describe(CallKind call) {
        return call == CallKind.CHARGE ? "charge" : "lookup";
    }
}
