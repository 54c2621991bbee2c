package io.chargeonce.processor.ledger;

import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The events the processor publishes about a payment. Each gets a fresh random event id: ids must
 * be unique across instances and restarts (payment-api's inbox drops a repeated id), which a
 * seeded generator shared by tests and instances would not guarantee.
 */
public final class PaymentEvents {

    private PaymentEvents() {
    }

    public static PaymentStatusChanged status(String paymentId, String merchantId, PaymentStatus status,
                                              String reason, String providerChargeId, int attempt, Instant at) {
        return PaymentStatusChanged.newBuilder()
                .setEventId(newEventId())
                .setPaymentId(paymentId)
                .setMerchantId(merchantId)
                .setStatus(status)
                .setReason(reason)
                .setProviderChargeId(providerChargeId)
                .setAttempt(attempt)
                .setOccurredAt(at)
                .build();
    }

    /** The status event for a ledger entry as it stands. */
    public static PaymentStatusChanged status(LedgerEntry entry, Instant at) {
        ChargeRequest r = entry.request();
        return switch (entry) {
            case LedgerEntry.Attempting a -> status(r.paymentId(), r.merchantId(), PaymentStatus.PENDING,
                    a.lastUnknown(), null, a.attempt(), at);
            case LedgerEntry.Confirmed c -> status(r.paymentId(), r.merchantId(), PaymentStatus.CONFIRMED,
                    null, c.providerChargeId(), c.attempt(), at);
            case LedgerEntry.Failed f -> status(r.paymentId(), r.merchantId(), PaymentStatus.FAILED,
                    f.reason(), null, f.attempt(), at);
            case LedgerEntry.NeedsAttention n -> status(r.paymentId(), r.merchantId(), PaymentStatus.NEEDS_ATTENTION,
                    n.reason(), null, n.attempt(), at);
        };
    }

    public static PaymentConfirmed confirmed(LedgerEntry.Confirmed entry) {
        ChargeRequest r = entry.request();
        return PaymentConfirmed.newBuilder()
                .setEventId(newEventId())
                .setPaymentId(r.paymentId())
                .setMerchantId(r.merchantId())
                .setOrderId(r.orderId())
                .setAmountMinor(r.amountMinor())
                .setCurrency(r.currency())
                .setProviderChargeId(entry.providerChargeId())
                .setAttempts(entry.attempt())
                .setConfirmedAt(entry.confirmedAt())
                .build();
    }

    public static PaymentFailed failed(LedgerEntry.Failed entry) {
        ChargeRequest r = entry.request();
        return PaymentFailed.newBuilder()
                .setEventId(newEventId())
                .setPaymentId(r.paymentId())
                .setMerchantId(r.merchantId())
                .setOrderId(r.orderId())
                .setAmountMinor(r.amountMinor())
                .setCurrency(r.currency())
                .setReasonCode(entry.reasonCode())
                .setReason(entry.reason())
                .setAttempts(entry.attempt())
                .setFailedAt(entry.failedAt())
                .build();
    }

    /** Headers for an output record: the request's trace context, so a trace spans request and result. */
    public static Headers headers(String traceparent) {
        Headers headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add(EventHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static String newEventId() {
        return UUID.randomUUID().toString();
    }
}
