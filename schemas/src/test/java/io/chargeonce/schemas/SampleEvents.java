package io.chargeonce.schemas;

import io.chargeonce.events.PaymentRequested;

import java.time.Instant;

/** Fixed, realistic events for serde tests. */
final class SampleEvents {

    static final Instant REQUESTED_AT = Instant.parse("2026-03-01T12:34:56.789Z");

    private SampleEvents() {
    }

    static PaymentRequested paymentRequested() {
        return PaymentRequested.newBuilder()
                .setEventId("6f1c1f5e-8a1b-4a57-9d1e-0c4f5f2b7a10")
                .setPaymentId("pay_123")
                .setMerchantId("mer_acme")
                .setOrderId("ord_42")
                .setCustomerId("cus_alice")
                .setAmountMinor(1999)
                .setCurrency("USD")
                .setRequestedAt(REQUESTED_AT)
                .build();
    }
}
