package io.chargeonce.processor.refund;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.reconcile.RetryLimits;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The refund policy, as pure decisions (no I/O, no clock of its own), under the same
 * {@link RetryLimits} as charging:
 * <ul>
 *   <li>a new refund is checked against the payment's ledger entry without calling the provider:
 *       the payment must be CONFIRMED, merchant and currency must match, and this amount plus every
 *       refund of the payment that is not FAILED must fit in the charged amount; otherwise FAILED
 *       with attempt 0. Else attempt 1 is recorded (reserving the amount) and the provider called;</li>
 *   <li>a refund or a stored refusal settles it; a rejection needs a person (and a dead letter);</li>
 *   <li>an unknown outcome waits out a jittered backoff, then the key is looked up and the refund
 *       made again with the same key only if the provider decided nothing under it;</li>
 *   <li>past {@code maxAttempts}, or past the provider's idempotency window since attempt 1,
 *       NEEDS_ATTENTION with a reason naming the key.</li>
 * </ul>
 */
public final class RefundPolicy {
    public static final String PAYMENT_NOT_CONFIRMED = "payment_not_confirmed";
    public static final String REFUND_MISMATCH = "refund_mismatch";
    public static final String AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable";

    private final RetryLimits limits;

    public RefundPolicy(RetryLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * A refund the ledger has never seen.
     *
     * @param payment  the payment's ledger entry, null if this task's ledger does not know it
     * @param reserved what the payment's other refunds that are not FAILED already hold
     */
    public RefundStep begin(RefundRequest request, LedgerEntry payment, long reserved, Instant now) {
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
        return new RefundStep.Call(RefundEntry.Attempting.first(request, key, confirmed.providerChargeId(), now,
                limits.deadlineFrom(now)), RefundStep.CallKind.REFUND);
    }

    /** An operator's replay of a NEEDS_ATTENTION refund: refund again with its key, inside the window only. */
    public Optional<RefundStep> reopen(RefundEntry.NeedsAttention entry, RefundRequest replayed, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return Optional.empty();
        }
        return Optional.of(new RefundStep.Call(entry.reopen(replayed, limits.deadlineFrom(now)), RefundStep.CallKind.REFUND));
    }

    /** The provider answered a call of the entry's current attempt. */
    public RefundStep afterOutcome(RefundEntry.Attempting entry, RefundStep.CallKind call, RefundOutcome outcome, Instant now) {
        return switch (outcome) {
            case RefundOutcome.Succeeded succeeded -> new RefundStep.Decide(entry.succeed(succeeded.providerRefundId(), now), null);
            case RefundOutcome.Refused refused -> new RefundStep.Decide(
                    entry.fail(refused.code(), "refused by the provider: " + refused.message(), now), null);
            case RefundOutcome.Rejected rejected -> new RefundStep.Decide(
                    entry.escalate("the provider rejected the refund " + (call == RefundStep.CallKind.REFUND ? "" : "lookup ")
                            + "(" + rejected.code() + "): " + rejected.message() + "; key " + entry.idempotencyKey(), now),
                    "idempotency_error".equals(rejected.code()) ? FailureClass.IDEMPOTENCY_CONFLICT : FailureClass.PROVIDER_TERMINAL);
            case RefundOutcome.NotFound ignored -> refundIfSafe(entry, now);
            case RefundOutcome.Unknown unknown -> unknown(entry, unknown.reason(), now);
        };
    }

    /** The entry's next check is due and no call of this instance is working on it. */
    public RefundStep whenDue(RefundEntry.Attempting entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, entry.lastUnknown() == null ? "the call was lost" : entry.lastUnknown(), now);
        }
        return new RefundStep.Call(entry.nextAttempt(limits.deadlineFrom(now)), RefundStep.CallKind.LOOKUP);
    }

    /** A call that overran its deadline counts as an unknown outcome of its attempt. */
    public RefundStep callLost(RefundEntry.Attempting entry, Instant now) {
        return unknown(entry, limits.lostReason(), now);
    }

    private static RefundStep refuse(RefundRequest request, String key, String code, String reason, Instant now) {
        return new RefundStep.Decide(RefundEntry.Failed.beforeProvider(request, key, code, reason, now), null);
    }

    private RefundStep refundIfSafe(RefundEntry.Attempting entry, Instant now) {
        if (limits.pastWindow(entry.firstAttemptAt(), now)) {
            return windowPassed(entry, now);
        }
        // Same attempt, same key: the lookup and this refund are one reconcile round.
        return new RefundStep.Call(entry.checkAt(limits.deadlineFrom(now)), RefundStep.CallKind.REFUND);
    }

    private RefundStep unknown(RefundEntry.Attempting entry, String reason, Instant now) {
        if (limits.exhausted(entry.attempt())) {
            return exhausted(entry, reason, now);
        }
        return new RefundStep.Wait(entry.unknownUntil(limits.nextCheckAfterUnknown(entry.attempt(), now),
                "attempt " + entry.attempt() + ": " + reason));
    }

    private RefundStep exhausted(RefundEntry.Attempting entry, String lastReason, Instant now) {
        return new RefundStep.Decide(entry.escalate(limits.exhaustedReason(entry.attempt(), lastReason, entry.idempotencyKey()),
                now), null);
    }

    private RefundStep windowPassed(RefundEntry.Attempting entry, Instant now) {
        return new RefundStep.Decide(entry.escalate(limits.windowPassedReason(entry.firstAttemptAt(), entry.attempt(),
                entry.idempotencyKey(), "refunding again could refund twice"), now), null);
    }
}
