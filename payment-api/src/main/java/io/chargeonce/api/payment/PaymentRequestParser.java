package io.chargeonce.api.payment;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@code POST /payments} body into a {@link PaymentRequest}, collecting every bad field
 * rather than stopping at the first, so a client fixes its request in one round trip.
 *
 * <p>Strict on purpose, as {@link StrictJson} reads every body.
 */
public final class PaymentRequestParser {

    /** Longest order or customer id accepted. */
    public static final int MAX_ID_LENGTH = 255;

    private static final Set<String> FIELDS = Set.of("orderId", "customerId", "amount", "currency");

    public ParsedBody<PaymentRequest> parse(byte[] body) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode root;
        try {
            root = StrictJson.object(body, FIELDS, false, errors);
        } catch (StrictJson.NotAnObject e) {
            return new ParsedBody.Malformed<>(e.getMessage());
        }
        String orderId = StrictJson.text(root, "orderId", MAX_ID_LENGTH, true, errors);
        String customerId = StrictJson.text(root, "customerId", MAX_ID_LENGTH, true, errors);
        Long amount = StrictJson.amount(root, true, errors);
        String currency = currency(root, errors);
        return errors.isEmpty()
                ? new ParsedBody.Valid<>(new PaymentRequest(orderId, customerId, amount, currency))
                : new ParsedBody.Invalid<>(errors);
    }

    private static String currency(JsonNode root, List<FieldError> errors) {
        JsonNode node = root.get("currency");
        if (node == null || node.isNull()) {
            errors.add(new FieldError("currency", "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("currency", "must be a string"));
            return null;
        }
        String code = node.textValue().toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z]{3}")) {
            errors.add(new FieldError("currency", "must be a three-letter ISO 4217 code, e.g. USD"));
            return null;
        }
        try {
            return Currency.getInstance(code).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("currency", "is not an ISO 4217 currency code"));
            return null;
        }
    }
}
