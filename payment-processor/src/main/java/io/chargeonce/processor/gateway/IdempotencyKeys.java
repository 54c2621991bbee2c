package io.chargeonce.processor.gateway;

/**
 * The provider idempotency key of a payment. It must depend on the payment id alone: an attempt
 * number or a timestamp in it would turn a retry into a second charge.
 */
public final class IdempotencyKeys {
    private static final String PREFIX = "chargeonce-";

    private IdempotencyKeys() {
    }

    public static String forPayment(String paymentId) {
        if (paymentId == null || paymentId.isBlank()) {
            throw new IllegalArgumentException("an idempotency key needs a payment id");
        }
        return PREFIX + paymentId;
    }
}
