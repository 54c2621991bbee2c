package io.chargeonce.api.payment;

/** One thing wrong with one field of a request, in words the client's developer can act on. */
public record FieldError(String field, String message) {
}
