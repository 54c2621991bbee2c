package io.chargeonce.processor.gateway;

import java.util.Objects;

/**
 * One request to charge a customer. The idempotency key is a pure function of the payment id
 * ({@link IdempotencyKeys#forPayment}), so every attempt of a payment, on any instance, after any
 * crash, carries the same key.
 */
public record ChargeCommand(
        String idempotencyKey,
        String paymentId,
        String merchantId,
        String customerId,
        long amountMinor,
        String currency) {

    public ChargeCommand {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("amountMinor must be > 0, got " + amountMinor + " for payment " + paymentId);
        }
    }
}
