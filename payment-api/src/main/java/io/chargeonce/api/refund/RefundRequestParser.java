package io.chargeonce.api.refund;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.api.payment.FieldError;
import io.chargeonce.api.payment.ParsedBody;
import io.chargeonce.api.payment.StrictJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code POST /payments/{id}/refunds} body, {@code {"amount": 500, "reason": "..."}}, both
 * optional, strictly (see {@link StrictJson}); an empty body asks for the whole refundable rest.
 * Every bad field is reported at once.
 */
public final class RefundRequestParser {

    /** Longest merchant reason accepted: it goes to the provider as metadata. */
    public static final int MAX_REASON_LENGTH = 200;

    private static final Set<String> FIELDS = Set.of("amount", "reason");

    public ParsedBody<RefundRequest> parse(byte[] body) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode root;
        try {
            root = StrictJson.object(body, FIELDS, true, errors);
        } catch (StrictJson.NotAnObject e) {
            return new ParsedBody.Malformed<>(e.getMessage());
        }
        Long amount = StrictJson.amount(root, false, errors);
        String reason = StrictJson.text(root, "reason", MAX_REASON_LENGTH, false, errors);
        return errors.isEmpty() ? new ParsedBody.Valid<>(new RefundRequest(amount, reason)) : new ParsedBody.Invalid<>(errors);
    }
}
