package io.chargeonce.processor.support;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.RefundRequested;

import java.time.Instant;

/** Payment requests for tests; ids derive from the payment id so failures name them. */
public final class SampleRequests {
    private SampleRequests() {
    }

    public static PaymentRequested request(String paymentId) {
        return request(paymentId, "evt-" + paymentId + "-1");
    }

    public static PaymentRequested request(String paymentId, String eventId) {
        return PaymentRequested.newBuilder()
                .setEventId(eventId)
                .setPaymentId(paymentId)
                .setMerchantId("merchant-7")
                .setOrderId("order-" + paymentId)
                .setCustomerId("cus_" + paymentId)
                .setAmountMinor(1250)
                .setCurrency("USD")
                .setRequestedAt(Instant.parse("2026-03-01T09:59:00Z"))
                .build();
    }

    /** A refund of {@link #request}'s payment (merchant-7, USD), event id derived from the refund id. */
    public static RefundRequested refund(String refundId, String paymentId, long amountMinor) {
        return refund(refundId, paymentId, amountMinor, "evt-" + refundId + "-1");
    }

    public static RefundRequested refund(String refundId, String paymentId, long amountMinor, String eventId) {
        return RefundRequested.newBuilder()
                .setEventId(eventId)
                .setRefundId(refundId)
                .setPaymentId(paymentId)
                .setMerchantId("merchant-7")
                .setAmountMinor(amountMinor)
                .setCurrency("USD")
                .setReason("requested_by_customer")
                .setRequestedAt(Instant.parse("2026-03-01T10:00:00Z"))
                .build();
    }
}
