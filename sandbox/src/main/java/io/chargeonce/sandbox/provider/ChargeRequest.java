package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a charge request. Two requests under one idempotency key must have equal
 * parameters, otherwise the second is an idempotency error, as at Stripe.
 */
public record ChargeRequest(long amount, String currency, String customer, Map<String, String> metadata) {

    public ChargeRequest {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Parses a JSON body; throws {@link IllegalArgumentException} with a client-facing message. */
    public static ChargeRequest fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        JsonNode amount = body.get("amount");
        if (amount == null || !amount.canConvertToExactIntegral() || amount.asLong() <= 0) {
            throw new IllegalArgumentException("amount must be a positive integer (minor units)");
        }
        String currency = text(body, "currency");
        String customer = text(body, "customer");
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = body.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new IllegalArgumentException("metadata must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = meta.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                metadata.put(field.getKey(), field.getValue().asText());
            }
        }
        return new ChargeRequest(amount.asLong(), currency, customer, metadata);
    }

    public String paymentId() {
        return metadata.get("payment_id");
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return node.asText();
    }
}
