package io.chargeonce.processor.gateway;

import java.util.concurrent.CompletableFuture;

/**
 * The payment provider, seen from the processor. Every call returns at once and complete on
 * another thread: the stream thread must never wait on the network, because a blocked thread
 * stalls every payment of its tasks and, past {@code max.poll.interval.ms}, costs a rebalance.
 *
 * <p>Implementations never complete a future exceptionally on purpose: anything that leaves the
 * provider's state in doubt (timeout, I/O error, 5xx) is an {@link ChargeOutcome.Unknown}.
 */
public interface PaymentGateway {

    /**
     * Charges once per {@link ChargeCommand#idempotencyKey()}: the provider answers a repeated key
     * with the stored result instead of charging again, which is what makes re-driving safe.
     */
    CompletableFuture<ChargeOutcome> charge(ChargeCommand command);

    /** {@link #charge(ChargeCommand)} within the payment's trace ({@code traceparent}, may be null). */
    default CompletableFuture<ChargeOutcome> charge(ChargeCommand command, String traceparent) {
        return charge(command);
    }

    /**
     * What the provider recorded for a key: {@link ChargeOutcome.Succeeded}, {@link ChargeOutcome.Declined},
     * {@link ChargeOutcome.NotFound} if it never saw the key, or {@link ChargeOutcome.Unknown}.
     */
    CompletableFuture<ChargeOutcome> lookup(String idempotencyKey);

    /** {@link #lookup(String)} within the payment's trace ({@code traceparent}, may be null). */
    default CompletableFuture<ChargeOutcome> lookup(String idempotencyKey, String traceparent) {
        return lookup(idempotencyKey);
    }

    /**
     * Refunds once per {@link RefundCommand#idempotencyKey()}; a repeated key gets the stored answer.
     * {@code traceparent} (may be null) is the refund request's trace context.
     */
    CompletableFuture<RefundOutcome> refund(RefundCommand command, String traceparent);

    /**
     * What the provider decided under a refund key: {@link RefundOutcome.Succeeded}, {@link RefundOutcome.Refused},
     * {@link RefundOutcome.NotFound} if it decided nothing under the key, or {@link RefundOutcome.Unknown}.
     */
    CompletableFuture<RefundOutcome> lookupRefund(String idempotencyKey, String traceparent);
}
