package io.chargeonce.api.payment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@code POST /payments} body into a {@link PaymentRequest}, collecting every bad field
 * rather than stopping at the first, so a client fixes its request in one round trip.
 *
 * <p>Strict on purpose: unknown fields are rejected (a misspelt or unsupported option must not be
 * silently ignored on a payment), amounts must be JSON integers, duplicate keys are malformed.
 */
public final class PaymentRequestParser {

    /** Longest order or customer id accepted. */
    public static final int MAX_ID_LENGTH = 255;

    private static final Set<String> FIELDS = Set.of("orderId", "customerId", "amount", "currency");

    private final ObjectMapper json = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What came out of a body. */
    public sealed interface Result {
    }

    /** The body is a valid payment request. */
    public record Valid(PaymentRequest request) implements Result {
    }

    /** The body is JSON but some fields are wrong; one error per bad field. */
    public record Invalid(List<FieldError> errors) implements Result {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }

    /** The body is not a JSON object at all. */
    public record Malformed(String reason) implements Result {
    }

    public Result parse(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return new Malformed("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return new Malformed("request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return new Malformed("request body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field; accepted fields are orderId, customerId, amount, currency"));
            }
        }
        String orderId = identifier(root, "orderId", errors);
        String customerId = identifier(root, "customerId", errors);
        long amount = amount(root, errors);
        String currency = currency(root, errors);
        return errors.isEmpty()
                ? new Valid(new PaymentRequest(orderId, customerId, amount, currency))
                : new Invalid(errors);
    }

    private static String identifier(JsonNode root, String field, List<FieldError> errors) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (value.length() > MAX_ID_LENGTH) {
            errors.add(new FieldError(field, "must be at most " + MAX_ID_LENGTH + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }

    private static long amount(JsonNode root, List<FieldError> errors) {
        JsonNode node = root.get("amount");
        if (node == null || node.isNull()) {
            errors.add(new FieldError("amount", "is required"));
            return 0;
        }
        if (!node.isIntegralNumber()) {
            errors.add(new FieldError("amount", "must be an integer number of minor units (e.g. 1050 for 10.50)"));
            return 0;
        }
        if (!node.canConvertToLong()) {
            errors.add(new FieldError("amount", "is too large"));
            return 0;
        }
        long amount = node.longValue();
        if (amount <= 0) {
            errors.add(new FieldError("amount", "must be greater than 0"));
        }
        return amount;
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
