package io.chargeonce.cli.load;

/**
 * One planned refund, fully drawn from the plan's seed before it is sent.
 *
 * @param index          0-based position in the plan
 * @param merchant       index into {@link RefundPlan#apiKeys()}: the merchant that owns the payment
 * @param amount         the amount asked for, or {@code null} to ask for the whole refundable rest
 *                       (the body then has no amount, as a merchant refunding in full sends it)
 * @param claims         what it may take of the payment: {@code amount}, or everything that was left
 * @param reason         the merchant's free-text reason, or {@code null}; sent, never logged
 * @param resend         whether the first answer is "lost" and the same request sent again with the same key
 */
public record RefundSpec(int index, String paymentId, int merchant, String idempotencyKey, Long amount, long claims,
                         String reason, boolean resend) {
}
