package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
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
        RequestFields.object(body);
        long amount = RequestFields.amount(body, false);
        String currency = RequestFields.requiredText(body, "currency");
        String customer = RequestFields.requiredText(body, "customer");
        return new ChargeRequest(amount, currency, customer, RequestFields.metadata(body));
    }

    public String paymentId() {
        return metadata.get("payment_id");
    }
}
