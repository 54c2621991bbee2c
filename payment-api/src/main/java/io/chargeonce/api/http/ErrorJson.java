package io.chargeonce.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.api.payment.FieldError;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the one error shape of the API: {@code {"error":{"code","message","details"?}}}. */
final class ErrorJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorJson() {
    }

    static void send(Context ctx, ApiException error) {
        error.headers().forEach(ctx::header);
        send(ctx, error.status(), error.code(), error.getMessage(), error.details());
    }

    static void send(Context ctx, int status, String code, String message, List<FieldError> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        if (!details.isEmpty()) {
            body.put("details", details.stream()
                    .map(d -> Map.of("field", d.field(), "message", d.message()))
                    .toList());
        }
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(Map.of("error", body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error of strings always renders", e);
        }
    }
}
