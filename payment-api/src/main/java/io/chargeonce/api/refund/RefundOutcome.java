package io.chargeonce.api.refund;

import io.chargeonce.api.idempotency.IntakeResult;
import io.chargeonce.api.payment.PaymentState;

/**
 * What one {@code POST /payments/{id}/refunds} turned out to be. Only {@link Keyed} binds the key;
 * the refusals froze nothing, so the same key may be sent again once the payment allows it.
 */
public sealed interface RefundOutcome {

    /** The key decided: a new refund, a replay, a conflict, or still in progress. */
    record Keyed(IntakeResult result) implements RefundOutcome {
    }

    /** No such payment for this merchant. */
    record PaymentNotFound() implements RefundOutcome {
    }

    /** The payment is not CONFIRMED (yet, or ever). */
    record NotRefundable(PaymentState status) implements RefundOutcome {
    }

    /**
     * The asked amount does not fit in what is left of the payment.
     *
     * @param asked     the amount asked, or the rest (0) when no amount was given
     * @param committed what the payment's refunds that are not FAILED already hold
     */
    record ExceedsPayment(long asked, long paymentAmount, long committed) implements RefundOutcome {
    }
}
