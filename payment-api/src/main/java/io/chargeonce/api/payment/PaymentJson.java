package io.chargeonce.api.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON a merchant gets for a payment. The accepted response is rendered once, stored with the
 * payment and replayed as stored bytes, so its shape here only matters for new payments.
 */
public final class PaymentJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PaymentJson() {
    }

    /** Body of the 202 answering a new payment. */
    public static byte[] accepted(UUID paymentId, PaymentRequest request, Instant createdAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("paymentId", paymentId.toString());
        body.put("status", PaymentState.PENDING.name());
        body.put("orderId", request.orderId());
        body.put("customerId", request.customerId());
        body.put("amount", request.amountMinor());
        body.put("currency", request.currency());
        body.put("createdAt", createdAt.toString());
        return write(body);
    }

    /** Body of {@code GET /payments/{id}}. */
    public static byte[] view(Payment payment) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("paymentId", payment.id().toString());
        body.put("status", payment.status().name());
        if (payment.reason() != null) {
            body.put("reason", payment.reason());
        }
        body.put("orderId", payment.orderId());
        body.put("amount", payment.amountMinor());
        body.put("currency", payment.currency());
        body.put("createdAt", payment.createdAt().toString());
        body.put("updatedAt", payment.updatedAt().toString());
        return write(body);
    }

    private static byte[] write(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always renders", e);
        }
    }
}
