package io.chargeonce.api.http;

import io.chargeonce.api.payment.FieldError;

import java.util.List;
import java.util.Map;

/**
 * An HTTP error answer, thrown from a handler and rendered as {@code {"error":{"code","message",...}}}
 * by one exception handler, so every error the API sends has the same shape.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<FieldError> details;
    private final Map<String, String> headers;

    ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), Map.of());
    }

    ApiException(int status, String code, String message, List<FieldError> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = List.copyOf(details);
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    List<FieldError> details() {
        return details;
    }

    Map<String, String> headers() {
        return headers;
    }
}
