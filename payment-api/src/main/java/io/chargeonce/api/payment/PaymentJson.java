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
        return render(body);
    }

    /** Body of {@code GET /payments/{id}} without its refunds. */
    public static byte[] view(Payment payment) {
        return render(fields(payment));
    }

    /** The fields of a payment's view, in order, for views that add to them. */
    public static Map<String, Object> fields(Payment payment) {
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
        return body;
    }

    /** Renders a body of strings, numbers, lists and maps. */
    public static byte[] render(Map<String, Object> body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers, lists and maps always renders", e);
        }
    }
}
