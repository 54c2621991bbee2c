package io.chargeonce.cli.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay's and processor's management endpoint, as {@code chargeonce service} starts it from the environment. */
class ManagementServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesMetricsAndReadinessThatFollowsItsChecks() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.counter("chargeonce.processor.inbox", "decision", "duplicate").increment(3);
        AtomicReference<String> streams = new AtomicReference<>("Kafka Streams is REBALANCING");

        try (ManagementServer server = ManagementServer.fromEnvironment(Map.of(ManagementServer.PORT_ENV, "0"), meters,
                Map.of("kafkaStreams", streams::get)).orElseThrow()) {
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(base + "/metrics").body()).contains("chargeonce_processor_inbox_total{decision=\"duplicate\"} 3.0");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);

            HttpResponse<String> rebalancing = get(base + "/health/ready");
            assertThat(rebalancing.statusCode()).isEqualTo(503);
            assertThat(rebalancing.body()).isEqualTo(
                    "{\"status\":\"DOWN\",\"checks\":{\"kafkaStreams\":\"DOWN: Kafka Streams is REBALANCING\"}}");

            streams.set(null);
            HttpResponse<String> running = get(base + "/health/ready");
            assertThat(running.statusCode()).isEqualTo(200);
            assertThat(running.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafkaStreams\":\"UP\"}}");
            assertThat(get(base + "/metrics/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void noPortNoServerAndABadPortIsRefused() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThat(ManagementServer.fromEnvironment(Map.of(), meters, Map.of())).isEmpty();
        assertThatThrownBy(() -> ManagementServer.fromEnvironment(Map.of(ManagementServer.PORT_ENV, "x"), meters, Map.of()))
                .hasMessageContaining(ManagementServer.PORT_ENV);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
