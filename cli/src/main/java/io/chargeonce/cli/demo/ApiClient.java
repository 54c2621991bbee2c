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
import java.util.Map;

/**
 * A merchant's view of payment-api over real HTTP, as the simulated clients and the report use it.
 */
public final class ApiClient {

    /** One HTTP answer: status, the replay header, and the parsed JSON body. */
    public record Answer(int status, boolean replayed, JsonNode body) {
        public String paymentId() {
            return body.path("paymentId").asText(null);
        }

        public String paymentStatus() {
            return body.path("status").asText(null);
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
        HttpRequest request = HttpRequest.newBuilder(base.resolve("payments"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    public Answer payment(String paymentId) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("payments/" + paymentId))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .GET()
                .build();
        return send(request);
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
            return new Answer(response.statusCode(), replayed, body);
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
