package io.chargeonce.sandbox;

import java.time.Instant;

/**
 * One refund the simulated provider made: money sent back against a succeeded charge. Refusals
 * ({@code amount_too_large}, ...) move no money and are not recorded here; they live only as the
 * stored answer of their idempotency key.
 *
 * @param id             provider refund id, {@code re_...}
 * @param idempotencyKey the key the refund was made under
 * @param chargeId       the {@code ch_...} charge refunded
 * @param paymentId      {@code metadata.payment_id} of the refund request, or null if it had none
 * @param refundId       {@code metadata.refund_id} of the refund request, or null if it had none
 * @param amount         in the charge currency's minor unit
 * @param status         always {@value #SUCCEEDED}, as in the JSON API
 */
public record ProviderRefund(
        String id,
        String idempotencyKey,
        String chargeId,
        String paymentId,
        String refundId,
        long amount,
        String currency,
        String status,
        Instant createdAt) {

    public static final String SUCCEEDED = "succeeded";
}
