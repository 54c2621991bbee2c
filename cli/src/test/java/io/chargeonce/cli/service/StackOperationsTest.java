package io.chargeonce.cli.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The in-process stack's one management endpoint: after a payment went through every real part,
 * {@code /metrics} holds the meters an operator's dashboards and alerts need, from all services, and
 * {@code /health/ready} reports each dependency up.
 */
class StackOperationsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Stack stack;

    @BeforeAll
    static void startStack() {
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID()), System.out);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void oneEndpointShowsEveryServicesMetersAfterAPaymentAndAllChecksUp() throws Exception {
        ApiClient api = new ApiClient(stack.apiUrl(), stack.apiKey());
        String paymentId = api.createPayment("ops-" + UUID.randomUUID(), "order-ops", "cus_ops", 2500, "EUR").paymentId();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.payment(paymentId).paymentStatus(), "CONFIRMED"::equals);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> metrics = get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains(
                    "chargeonce_api_idempotency_total{outcome=\"new\"} 1.0",
                    "chargeonce_api_status_inbox_total{outcome=\"applied\"}",
                    "chargeonce_api_payments{status=\"CONFIRMED\"} 1.0",
                    "chargeonce_api_journey_seconds_bucket{status=\"CONFIRMED\",le=",
                    "chargeonce_processor_inbox_total{decision=\"new\"} 1.0",
                    "chargeonce_processor_ledger_total{decision=\"new\"} 1.0",
                    "chargeonce_processor_provider_calls_total{call=\"charge\",outcome=\"succeeded\"} 1.0",
                    "chargeonce_processor_payments_total{status=\"CONFIRMED\"} 1.0",
                    "chargeonce_processor_dead_letters_total{class=\"undeserializable\"} 0.0",
                    "chargeonce_processor_reconcile_attempts_total",
                    "chargeonce_relay_events_total{",
                    "chargeonce_relay_commit_to_ack_seconds_bucket{",
                    "chargeonce_relay_slot_retained_wal_bytes{",
                    "kafka_consumer_fetch_manager_records_lag_max{");
        });

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = new ObjectMapper().readTree(ready.body()).get("checks");
        assertThat(checks.properties()).extracting(e -> e.getKey() + "=" + e.getValue().asText())
                .containsExactly("postgres=UP", "statusInbox=UP", "relay=UP", "kafkaStreams=UP");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(stack.describe()).contains("metrics and health " + stack.managementUrl());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + path)).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
