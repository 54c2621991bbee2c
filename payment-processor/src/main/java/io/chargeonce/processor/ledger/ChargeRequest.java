package io.chargeonce.processor.ledger;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.processor.gateway.ChargeCommand;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated payment request as the ledger keeps it: the fields needed to charge, to report the
 * result, and to dead-letter the request later (its origin, trace context and replay count).
 *
 * @param replayCount how often an operator had replayed the record this request came from (its
 *                    {@code EventHeaders.REPLAY_COUNT}, 0 for an original). Kept so a dead letter the
 *                    ledger makes later carries it on, and {@code dlt replay}'s loop guard parks a
 *                    request the provider keeps refusing instead of counting from 0 every round.
 */
public record ChargeRequest(
        String eventId,
        String paymentId,
        String merchantId,
        String orderId,
        String customerId,
        long amountMinor,
        String currency,
        Instant requestedAt,
        Origin origin,
        String traceparent,
        int replayCount) {

    public ChargeRequest {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(origin, "origin");
        if (replayCount < 0) {
            throw new IllegalArgumentException("replay counts start at 0, got " + replayCount);
        }
    }

    public static ChargeRequest of(PaymentRequested event, Origin origin, String traceparent, int replayCount) {
        return new ChargeRequest(event.getEventId(), event.getPaymentId(), event.getMerchantId(), event.getOrderId(),
                event.getCustomerId(), event.getAmountMinor(), event.getCurrency(), event.getRequestedAt(),
                origin, traceparent, replayCount);
    }

    /** The event again, for dead-lettering a request the provider refused. */
    public PaymentRequested toEvent() {
        return PaymentRequested.newBuilder()
                .setEventId(eventId).setPaymentId(paymentId).setMerchantId(merchantId).setOrderId(orderId)
                .setCustomerId(customerId).setAmountMinor(amountMinor).setCurrency(currency)
                .setRequestedAt(requestedAt)
                .build();
    }

    public ChargeCommand toCommand(String idempotencyKey) {
        return new ChargeCommand(idempotencyKey, paymentId, merchantId, customerId, amountMinor, currency);
    }
}
