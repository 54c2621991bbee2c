package io.chargeonce.processor.refund;

import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.reconcile.ReconcileLoop;
import io.chargeonce.processor.reconcile.RetryLimits;
import io.chargeonce.processor.reconcile.RetryRules;
import io.chargeonce.processor.reconcile.Step;
import io.chargeonce.processor.refund.RefundEntry.Attempting;

import java.time.Instant;
import java.util.Optional;

/**
 * The refund policy, as pure decisions (no I/O, no clock of its own), under the same
 * {@link RetryRules} as charging:
 * <ul>
 *   <li>a new refund is checked against the payment's ledger entry without calling the provider:
 *       the payment must be CONFIRMED, merchant and currency must match, and this amount plus every
 *       refund of the payment that is not FAILED must fit in the charged amount; otherwise FAILED
 *       with attempt 0. Else attempt 1 is recorded (reserving the amount) and the provider called;</li>
 *   <li>a refund or a stored refusal settles it; a rejection needs a person (and a dead letter);</li>
 *   <li>an unknown outcome waits out a jittered backoff, then the key is looked up and the refund
 *       made again with the same key only if the provider decided nothing under it;</li>
 *   <li>past {@code maxAttempts}, or past the provider's idempotency window since attempt 1,
 *       NEEDS_ATTENTION with a reason naming the key, and a PROVIDER_TERMINAL dead letter whose replay
 *       re-drives the refund with its key inside the window and is ignored past it.</li>
 * </ul>
 */
public final class RefundPolicy implements ReconcileLoop.Policy<RefundEntry, Attempting, RefundCallKind, RefundOutcome> {
    public static final String PAYMENT_NOT_CONFIRMED = "payment_not_confirmed";
    public static final String REFUND_MISMATCH = "refund_mismatch";
    public static final String AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable";

    private final RetryRules<RefundEntry, Attempting, RefundCallKind> rules;

    public RefundPolicy(RetryLimits limits) {
        this.rules = new RetryRules<>(limits, RefundCallKind.REFUND, RefundCallKind.LOOKUP, "refunding again could refund twice");
    }

    /**
     * A refund the ledger has never seen.
     *
     * @param payment  the payment's ledger entry, null if this task's ledger does not know it
     * @param reserved what the payment's other refunds that are not FAILED already hold
     */
    public Step<RefundEntry, Attempting, RefundCallKind> begin(RefundRequest request, LedgerEntry payment, long reserved,
                                                               Instant now) {
        String key = IdempotencyKeys.forRefund(request.refundId());
        if (!(payment instanceof LedgerEntry.Confirmed confirmed)) {
            return refuse(request, key, PAYMENT_NOT_CONFIRMED, "payment " + request.paymentId() + " is "
                    + (payment == null ? "unknown to the ledger" : payment.state()) + "; only a CONFIRMED payment can be refunded", now);
        }
        if (!confirmed.request().merchantId().equals(request.merchantId())
                || !confirmed.request().currency().equals(request.currency())) {
            return refuse(request, key, REFUND_MISMATCH, "refund " + request.refundId() + " names merchant "
                    + request.merchantId() + " and currency " + request.currency() + ", payment " + request.paymentId()
                    + " was charged for merchant " + confirmed.request().merchantId() + " in " + confirmed.request().currency(), now);
        }
        long charged = confirmed.request().amountMinor();
        if (request.amountMinor() > charged - reserved) {
            return refuse(request, key, AMOUNT_EXCEEDS_REFUNDABLE, "refund of " + request.amountMinor() + " exceeds what "
                    + "payment " + request.paymentId() + " has left: charged " + charged + ", already refunded or pending "
                    + reserved, now);
        }
        return rules.call(deadline -> Attempting.first(request, key, confirmed.providerChargeId(), now, deadline), now);
    }

    /** An operator's replay of a NEEDS_ATTENTION refund: refund again with its key, inside the window only. */
    public Optional<Step<RefundEntry, Attempting, RefundCallKind>> reopen(RefundEntry.NeedsAttention entry,
                                                                         RefundRequest replayed, Instant now) {
        return rules.reopen(entry.firstAttemptAt(), deadline -> entry.reopen(replayed, deadline), now);
    }

    @Override
    public Step<RefundEntry, Attempting, RefundCallKind> afterOutcome(Attempting entry, RefundCallKind call,
                                                                      RefundOutcome outcome, Instant now) {
        return switch (outcome) {
            case RefundOutcome.Succeeded succeeded -> new Step.Decide<>(entry.succeed(succeeded.providerRefundId(), now), null);
            case RefundOutcome.Refused refused -> new Step.Decide<>(
                    entry.fail(refused.code(), "refused by the provider: " + refused.message(), now), null);
            case RefundOutcome.Rejected rejected -> rules.rejected(entry, rejected.code(), "the provider rejected the refund "
                    + (call == RefundCallKind.REFUND ? "" : "lookup ") + "(" + rejected.code() + "): " + rejected.message()
                    + "; key " + entry.idempotencyKey(), now);
            case RefundOutcome.NotFound ignored -> rules.callIfSafe(entry, now);
            case RefundOutcome.Unknown unknown -> rules.unknown(entry, unknown.reason(), now);
        };
    }

    @Override
    public Step<RefundEntry, Attempting, RefundCallKind> whenDue(Attempting entry, Instant now) {
        return rules.whenDue(entry, now);
    }

    @Override
    public Step<RefundEntry, Attempting, RefundCallKind> callLost(Attempting entry, Instant now) {
        return rules.callLost(entry, now);
    }

    private static Step<RefundEntry, Attempting, RefundCallKind> refuse(RefundRequest request, String key, String code,
                                                                        String reason, Instant now) {
        return new Step.Decide<>(RefundEntry.Failed.beforeProvider(request, key, code, reason, now), null);
    }
}
