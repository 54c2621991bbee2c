package io.chargeonce.processor.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;

import static io.chargeonce.processor.gateway.HttpPaymentGateway.JSON;
import static io.chargeonce.processor.gateway.HttpPaymentGateway.errorOf;
import static io.chargeonce.processor.gateway.HttpPaymentGateway.firstText;
import static io.chargeonce.processor.gateway.HttpPaymentGateway.parse;

/**
 * The refund half of the HTTP mapping ({@code POST /v1/refunds}, {@code GET /v1/refunds?idempotency_key=}),
 * leaning towards {@link RefundOutcome.Unknown} like charges: only a parsed refund object is a
 * success, only the provider's named definite refusals are a failure, every other 4xx is a
 * rejection a person must see, and everything else is reconciled by key.
 */
final class RefundResponses {
    /** Refusals the provider stores under the key like a decline: a retry gets the same answer, no money moved. */
    static final Set<String> DEFINITE_REFUSALS =
            Set.of("resource_missing", "charge_not_refundable", "amount_too_large", "charge_already_refunded");

    private RefundResponses() {
    }

    static String body(RefundCommand command) {
        ObjectNode body = JSON.createObjectNode()
                .put("charge", command.chargeId())
                .put("amount", command.amountMinor());
        ObjectNode metadata = body.putObject("metadata")
                .put("refund_id", command.refundId())
                .put("payment_id", command.paymentId())
                .put("merchant_id", command.merchantId());
        if (command.reason() != null) {
            metadata.put("reason", command.reason());
        }
        return body.toString();
    }

    static RefundOutcome refundOutcome(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            JsonNode refund = parse(response.body());
            if (refund == null || refund.path("id").asText(null) == null) {
                return new RefundOutcome.Unknown("provider answered " + status + " without a refund id");
            }
            return fromRefund(refund);
        }
        return failure(response);
    }

    static RefundOutcome lookupOutcome(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return failure(response);
        }
        JsonNode list = parse(response.body());
        if (list == null || !list.path("data").isArray()) {
            return new RefundOutcome.Unknown("provider refund lookup answered 200 without a refund list");
        }
        if (list.path("data").isEmpty()) {
            return new RefundOutcome.NotFound();
        }
        return fromRefund(list.path("data").get(0));
    }

    /** A refund object as stored: succeeded, a stored refusal ({@code failed} + failure_reason), or in between. */
    private static RefundOutcome fromRefund(JsonNode refund) {
        String status = refund.path("status").asText("");
        return switch (status) {
            case "succeeded" -> refund.path("id").asText(null) == null
                    ? new RefundOutcome.Unknown("provider refund 'succeeded' without an id")
                    : new RefundOutcome.Succeeded(refund.path("id").asText());
            case "failed" -> new RefundOutcome.Refused(firstText(refund, "refund_failed", "failure_reason", "code"),
                    firstText(refund, "refund refused", "failure_message", "message"));
            default -> new RefundOutcome.Unknown("provider refund " + refund.path("id").asText("?") + " is '" + status + "'");
        };
    }

    private static RefundOutcome failure(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 500 || status == 409 || status == 429 || status < 400) {
            // 409: the first call with this key is still running at the provider; 429: rate limited.
            return new RefundOutcome.Unknown("provider answered " + status);
        }
        JsonNode error = errorOf(response.body());
        String type = error.path("type").asText("");
        String message = firstText(error, "provider answered " + status, "message");
        if (type.equals("idempotency_error")) {
            return new RefundOutcome.Rejected("idempotency_error", message);
        }
        String code = firstText(error, "http_" + status, "code", "type").toLowerCase(Locale.ROOT);
        if ((status == 400 || status == 404) && type.equals("invalid_request_error") && DEFINITE_REFUSALS.contains(code)) {
            return new RefundOutcome.Refused(code, message);
        }
        return new RefundOutcome.Rejected(code, message);
    }
}
