package io.chargeonce.sandbox;

import java.time.Instant;

/**
 * One charge the simulated provider made: the ground truth for "charged exactly once". Declined
 * charges are recorded too (status {@value #FAILED}), because a decline is a final answer for its
 * idempotency key just like a success.
 *
 * @param id             provider charge id, {@code ch_...}
 * @param idempotencyKey the key the charge was made under
 * @param paymentId      {@code metadata.payment_id} of the request, or null if it had none
 * @param amount         in the currency's minor unit
 * @param status         {@value #SUCCEEDED} or {@value #FAILED}, as in the JSON API
 */
public record ProviderCharge(
        String id,
        String idempotencyKey,
        String paymentId,
        long amount,
        String currency,
        String customer,
        String status,
        Instant createdAt) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
