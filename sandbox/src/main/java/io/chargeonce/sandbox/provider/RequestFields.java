package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading the fields Stripe-like request bodies share; every failure is an {@link IllegalArgumentException}
 * whose message goes back to the client as a 400 {@code parameter_invalid}.
 */
final class RequestFields {

    private RequestFields() {
    }

    static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        return body;
    }

    /** A positive amount in minor units, or null if the field is absent and {@code optional}. */
    static Long amount(JsonNode body, boolean optional) {
        JsonNode amount = body.get("amount");
        if (optional && (amount == null || amount.isNull())) {
            return null;
        }
        if (amount == null || !amount.canConvertToExactIntegral() || amount.asLong() <= 0) {
            throw new IllegalArgumentException("amount must be a positive integer (minor units)");
        }
        return amount.asLong();
    }

    static String requiredText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return node.asText();
    }

    /** {@code metadata} as strings, in the order sent; empty when absent. */
    static Map<String, String> metadata(JsonNode body) {
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
        return metadata;
    }
}
