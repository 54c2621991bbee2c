package io.chargeonce.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One simulator per test class (it starts in milliseconds) on a fixed clock, reset before each test,
 * and the HTTP calls the provider tests share.
 */
abstract class ProviderHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    static ProviderSimulator provider;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        provider = ProviderSimulator.start(0, Clock.fixed(NOW, ZoneOffset.UTC), 7);
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @BeforeEach
    void reset() {
        provider.reset();
    }

    static String chargeBody(long amount, String customer, String paymentId) {
        return "{\"amount\":%d,\"currency\":\"usd\",\"customer\":\"%s\",\"metadata\":{\"payment_id\":\"%s\"}}"
                .formatted(amount, customer, paymentId);
    }

    /** A JSON POST to {@code path} under {@code key}. */
    HttpRequest post(String path, String key, String body) {
        return HttpRequest.newBuilder(URI.create(provider.url() + path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(provider.url() + path)).build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
