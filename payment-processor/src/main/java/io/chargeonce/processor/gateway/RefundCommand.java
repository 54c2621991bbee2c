package io.chargeonce.processor.gateway;

import java.util.Objects;

/**
 * One request to refund (part of) a charge. The idempotency key is a pure function of the refund
 * id ({@link IdempotencyKeys#forRefund}), so every attempt of a refund carries the same key and a
 * re-drive can never refund twice.
 *
 * @param chargeId the provider's id of the payment's charge, from its Confirmed ledger entry
 * @param reason   the merchant's free-text reason, passed to the provider as metadata; never logged,
 *                 which is why {@link #toString} leaves it out
 */
public record RefundCommand(
        String idempotencyKey,
        String refundId,
        String paymentId,
        String merchantId,
        String chargeId,
        long amountMinor,
        String currency,
        String reason) {

    public RefundCommand {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(chargeId, "chargeId");
        Objects.requireNonNull(currency, "currency");
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("amountMinor must be > 0, got " + amountMinor + " for refund " + refundId);
        }
    }

    @Override
    public String toString() {
        return "RefundCommand[key=" + idempotencyKey + ", refundId=" + refundId + ", paymentId=" + paymentId
                + ", chargeId=" + chargeId + ", amountMinor=" + amountMinor + ", currency=" + currency + "]";
    }
}
