package io.chargeonce.processor.gateway;

/**
 * The provider idempotency keys of a payment and of a refund. Each must depend on the id alone: an
 * attempt number or a timestamp in it would turn a retry into a second charge or refund.
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

    /** {@code chargeonce-refund-<refundId>}: refund ids are UUIDs, so it never equals a payment's key. */
    public static String forRefund(String refundId) {
        if (refundId == null || refundId.isBlank()) {
            throw new IllegalArgumentException("an idempotency key needs a refund id");
        }
        return PREFIX + "refund-" + refundId;
    }
}
