package io.chargeonce.processor.refund;

import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;

import java.time.Instant;
import java.util.UUID;

/**
 * The events the processor publishes about a refund, keyed by payment id like the payment's own.
 * Fresh random event ids, for the reason given in {@code PaymentEvents}. The merchant's reason is
 * never copied into them: {@code reason} here is the status reason, in chargeonce's own words.
 */
public final class RefundEvents {

    private RefundEvents() {
    }

    public static RefundStatusChanged status(String refundId, String paymentId, String merchantId, RefundStatus status,
                                             String reason, String reasonCode, String providerRefundId, int attempt,
                                             Instant at) {
        return RefundStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRefundId(refundId)
                .setPaymentId(paymentId)
                .setMerchantId(merchantId)
                .setStatus(status)
                .setReason(reason)
                .setReasonCode(reasonCode)
                .setProviderRefundId(providerRefundId)
                .setAttempt(attempt)
                .setOccurredAt(at)
                .build();
    }

    private static RefundStatusChanged status(RefundRequest r, RefundStatus status, String reason, String reasonCode,
                                              String providerRefundId, int attempt, Instant at) {
        return status(r.refundId(), r.paymentId(), r.merchantId(), status, reason, reasonCode, providerRefundId, attempt, at);
    }

    /** The status event for a refund entry as it stands. */
    public static RefundStatusChanged status(RefundEntry entry, Instant at) {
        RefundRequest r = entry.request();
        return switch (entry) {
            case RefundEntry.Attempting a -> status(r, RefundStatus.PENDING, a.lastUnknown(), null, null, a.attempt(), at);
            case RefundEntry.Succeeded s -> status(r, RefundStatus.SUCCEEDED, null, null, s.providerRefundId(), s.attempt(), at);
            case RefundEntry.Failed f -> status(r, RefundStatus.FAILED, f.reason(), f.reasonCode(), null, f.attempt(), at);
            case RefundEntry.NeedsAttention n -> status(r, RefundStatus.NEEDS_ATTENTION, n.reason(), null, null, n.attempt(), at);
        };
    }

    public static RefundSettled succeeded(RefundEntry.Succeeded entry) {
        return settled(entry).setStatus(RefundStatus.SUCCEEDED).setProviderRefundId(entry.providerRefundId())
                .setSettledAt(entry.succeededAt()).build();
    }

    public static RefundSettled failed(RefundEntry.Failed entry) {
        return settled(entry).setStatus(RefundStatus.FAILED).setReasonCode(entry.reasonCode()).setReason(entry.reason())
                .setSettledAt(entry.failedAt()).build();
    }

    private static RefundSettled.Builder settled(RefundEntry entry) {
        RefundRequest r = entry.request();
        return RefundSettled.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRefundId(r.refundId())
                .setPaymentId(r.paymentId())
                .setMerchantId(r.merchantId())
                .setAmountMinor(r.amountMinor())
                .setCurrency(r.currency())
                .setAttempts(entry.attempt());
    }
}
