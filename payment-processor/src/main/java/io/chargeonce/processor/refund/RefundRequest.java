package io.chargeonce.processor.refund;

import io.chargeonce.events.RefundRequested;
import io.chargeonce.processor.gateway.RefundCommand;
import io.chargeonce.processor.ledger.Origin;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated refund request as the refund ledger keeps it: what the provider needs, what the
 * result reports, and the origin and trace context for a dead letter. {@link #toString} leaves the
 * merchant's reason out, because it is free text that must never reach a log.
 *
 * @param reason      the merchant's reason, or null
 * @param replayCount how often an operator had replayed the record this request came from, 0 for an
 *                    original; carried into the dead letter the ledger may make, as for payments
 *                    ({@link io.chargeonce.processor.ledger.ChargeRequest#replayCount()})
 */
public record RefundRequest(
        String eventId,
        String refundId,
        String paymentId,
        String merchantId,
        long amountMinor,
        String currency,
        String reason,
        Instant requestedAt,
        Origin origin,
        String traceparent,
        int replayCount) {

    public RefundRequest {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(origin, "origin");
        if (replayCount < 0) {
            throw new IllegalArgumentException("replay counts start at 0, got " + replayCount);
        }
    }

    public static RefundRequest of(RefundRequested event, Origin origin, String traceparent, int replayCount) {
        return new RefundRequest(event.getEventId(), event.getRefundId(), event.getPaymentId(), event.getMerchantId(),
                event.getAmountMinor(), event.getCurrency(), event.getReason(), event.getRequestedAt(), origin, traceparent,
                replayCount);
    }

    /** The event again, for dead-lettering a request the provider refused. */
    public RefundRequested toEvent() {
        return RefundRequested.newBuilder()
                .setEventId(eventId).setRefundId(refundId).setPaymentId(paymentId).setMerchantId(merchantId)
                .setAmountMinor(amountMinor).setCurrency(currency).setReason(reason).setRequestedAt(requestedAt)
                .build();
    }

    public RefundCommand toCommand(String idempotencyKey, String chargeId) {
        return new RefundCommand(idempotencyKey, refundId, paymentId, merchantId, chargeId, amountMinor, currency, reason);
    }

    /** Whether {@code other} asks for the same refund: an operator's replay may re-drive only that. */
    public boolean sameRefundAs(RefundRequest other) {
        return refundId.equals(other.refundId) && paymentId.equals(other.paymentId) && merchantId.equals(other.merchantId)
                && amountMinor == other.amountMinor && currency.equals(other.currency) && Objects.equals(reason, other.reason);
    }

    @Override
    public String toString() {
        return "RefundRequest[eventId=" + eventId + ", refundId=" + refundId + ", paymentId=" + paymentId
                + ", merchantId=" + merchantId + ", amountMinor=" + amountMinor + ", currency=" + currency
                + ", replayCount=" + replayCount + "]";
    }
}
