package io.chargeonce.api.payment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The strict reading every request body of the API gets: one JSON object, no duplicate keys, no
 * trailing tokens, no unknown fields (a misspelt or unsupported option must not be silently
 * ignored where money moves), amounts as JSON integers of minor units.
 */
public final class StrictJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The body is not a JSON object at all; the message says why, in the client's terms. */
    public static final class NotAnObject extends Exception {
        NotAnObject(String reason) {
            super(reason, null, false, false);
        }
    }

    private StrictJson() {
    }

    /**
     * The body's top-level object; every field not in {@code fields} becomes an error.
     *
     * @param emptyIsObject whether an empty body means {@code {}} (for requests whose fields are all optional)
     */
    public static JsonNode object(byte[] body, Set<String> fields, boolean emptyIsObject, List<FieldError> errors)
            throws NotAnObject {
        if (emptyIsObject && new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new NotAnObject("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new NotAnObject("request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new NotAnObject("request body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                errors.add(new FieldError(name, "unknown field; accepted fields are "
                        + String.join(", ", fields.stream().sorted().toList())));
            }
        }
        return root;
    }

    /**
     * A positive amount of minor units from {@code amount}, or null if it is absent (an error when
     * {@code required}) or wrong (an error).
     */
    public static Long amount(JsonNode root, boolean required, List<FieldError> errors) {
        JsonNode node = root.get("amount");
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError("amount", "is required"));
            }
            return null;
        }
        if (!node.isIntegralNumber()) {
            errors.add(new FieldError("amount", "must be an integer number of minor units (e.g. 1050 for 10.50)"));
            return null;
        }
        if (!node.canConvertToLong()) {
            errors.add(new FieldError("amount", "is too large"));
            return null;
        }
        long amount = node.longValue();
        if (amount <= 0) {
            errors.add(new FieldError("amount", "must be greater than 0"));
            return null;
        }
        return amount;
    }

    /**
     * A non-blank string without control characters of at most {@code maxLength} characters from
     * {@code field}, or null if absent (an error when {@code required}) or wrong (an error).
     */
    public static String text(JsonNode root, String field, int maxLength, boolean required, List<FieldError> errors) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (value.length() > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }
}
