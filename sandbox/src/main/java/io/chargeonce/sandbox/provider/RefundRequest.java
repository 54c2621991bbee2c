package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a refund request; equal parameters under one key replay its answer, others are
 * an idempotency error. {@code amount} is null when the request asks for the charge's whole
 * unrefunded rest, which is a different request from naming that amount, as at Stripe.
 */
public record RefundRequest(String charge, Long amount, Map<String, String> metadata) {

    public RefundRequest {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Parses a JSON body; throws {@link IllegalArgumentException} with a client-facing message. */
    public static RefundRequest fromJson(JsonNode body) {
        RequestFields.object(body);
        String charge = RequestFields.requiredText(body, "charge");
        Long amount = RequestFields.amount(body, true);
        return new RefundRequest(charge, amount, RequestFields.metadata(body));
    }

    public String paymentId() {
        return metadata.get("payment_id");
    }

    public String refundId() {
        return metadata.get("refund_id");
    }
}
