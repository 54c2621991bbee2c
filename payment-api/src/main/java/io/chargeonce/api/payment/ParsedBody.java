package io.chargeonce.api.payment;

import java.util.List;

/** What came out of a request body read by {@link StrictJson}: a request, its bad fields, or not JSON at all. */
public sealed interface ParsedBody<T> {

    /** The body is a valid request. */
    record Valid<T>(T request) implements ParsedBody<T> {
    }

    /** The body is JSON but some fields are wrong; one error per bad field. */
    record Invalid<T>(List<FieldError> errors) implements ParsedBody<T> {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }

    /** The body is not a JSON object at all. */
    record Malformed<T>(String reason) implements ParsedBody<T> {
    }
}
