package io.chargeonce.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A merchant's view of payment-api over real HTTP, as the simulated clients and the report use it.
 */
public final class ApiClient {

    /**
     * One HTTP answer: status, the replay header, the parsed JSON body, the body as sent (a replay
     * must match its original byte for byte) and the {@code Location} header if any.
     */
    public record Answer(int status, boolean replayed, JsonNode body, String text, String location) {
        public String paymentId() {
            return body.path("paymentId").asText(null);
        }

        public String paymentStatus() {
            return body.path("status").asText(null);
        }

        public String refundId() {
            return body.path("refundId").asText(null);
        }

        /** The API's error code ({@code {"error":{"code":...}}}), or null for a success. */
        public String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String apiKey;

    public ApiClient(String baseUrl, String apiKey) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.apiKey = apiKey;
    }

    public Answer createPayment(String idempotencyKey, String orderId, String customerId, long amount, String currency) {
        String body = json(Map.of("orderId", orderId, "customerId", customerId, "amount", amount, "currency", currency));
        HttpRequest request = authorized("payments")
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    public Answer payment(String paymentId) {
        return get("payments/" + paymentId);
    }

    /**
     * {@code POST /payments/{id}/refunds}. {@code amount} null asks for the whole refundable rest,
     * {@code reason} null sends none: both are left out of the body, not sent as null.
     */
    public Answer createRefund(String paymentId, String idempotencyKey, Long amount, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (amount != null) fields.put("amount", amount);
        if (reason != null) fields.put("reason", reason);
        HttpRequest request = authorized("payments/" + paymentId + "/refunds")
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(fields)))
                .build();
        return send(request);
    }

    /** {@code GET /payments/{id}/refunds}: {@code {"refunds":[view...]}}, oldest first. */
    public Answer refunds(String paymentId) {
        return get("payments/" + paymentId + "/refunds");
    }

    /** {@code GET /payments/{id}/refunds/{refundId}}: one refund's view. */
    public Answer refund(String paymentId, String refundId) {
        return get("payments/" + paymentId + "/refunds/" + refundId);
    }

    /** {@code GET /payments/{id}/history}: every state change of the payment and its refunds, oldest first. */
    public Answer history(String paymentId) {
        return get("payments/" + paymentId + "/history");
    }

    private Answer get(String path) {
        return send(authorized(path).GET().build());
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey);
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
            return new Answer(response.statusCode(), replayed, body, response.body(),
                    response.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException("payment-api did not answer " + request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling payment-api", e);
        }
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
