package io.chargeonce.api;

import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.sandbox.PostgresNode;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.chargeonce.api.ApiFixture.KEY_A;
import static io.chargeonce.api.ApiFixture.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's endpoints of a real payment-api: {@code /metrics} in Prometheus text without an
 * API key, showing a payment's journey; {@code /health/ready} 503 with the reason while Postgres is
 * stopped and 200 again once it is back.
 */
class OperationsHttpTest {

    private static ApiFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ApiFixture.start("api_operations");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void metricsShowDecisionsStatusesAndTheJourneyOfAConfirmedPayment() throws Exception {
        var created = fixture.post(KEY_A, "key-" + UUID.randomUUID(), body("ord-ops", 1200, "EUR"));
        assertThat(created.statusCode()).isEqualTo(202);
        String paymentId = fixture.json(created).get("paymentId").asText();
        publishConfirmed(paymentId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var response = fixture.send(fixture.request("/metrics").GET().build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            String text = new String(response.body(), StandardCharsets.UTF_8);
            assertThat(text)
                    .contains("chargeonce_api_idempotency_total{outcome=\"new\"} 1.0")
                    .contains("chargeonce_api_status_inbox_total{outcome=\"applied\"} 1.0")
                    .contains("chargeonce_api_payments{status=\"CONFIRMED\"} 1.0")
                    .contains("chargeonce_api_journey_seconds_count{status=\"CONFIRMED\"} 1")
                    .contains("chargeonce_api_journey_seconds_bucket{status=\"CONFIRMED\",le=");
        });
    }

    @Test
    void readinessIsDownWithTheReasonWhilePostgresIsStopped() {
        assertThat(ready().statusCode()).isEqualTo(200);
        PostgresNode postgres = Sandbox.shared().postgres();
        postgres.stop();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var response = ready();
                assertThat(response.statusCode()).isEqualTo(503);
                var checks = fixture.json(response).get("checks");
                assertThat(fixture.json(response).get("status").asText()).isEqualTo("DOWN");
                assertThat(checks.get("postgres").asText()).startsWith("DOWN: ");
                assertThat(checks.get("statusInbox").asText()).isEqualTo("UP");
            });
            var live = fixture.send(fixture.request("/health/live").GET().build());
            assertThat(live.statusCode()).isEqualTo(200);
        } finally {
            postgres.start();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ready().statusCode()).isEqualTo(200));
    }

    private static java.net.http.HttpResponse<byte[]> ready() {
        return fixture.send(fixture.request("/health/ready").GET().build());
    }

    private static void publishConfirmed(String paymentId) {
        PaymentStatusChanged event = PaymentStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPaymentId(paymentId)
                .setMerchantId(fixture.merchantA)
                .setStatus(PaymentStatus.CONFIRMED)
                .setReason(null)
                .setProviderChargeId("ch_ops")
                .setAttempt(1)
                .setOccurredAt(Instant.now())
                .build();
        try (var registry = new SchemaRegistryClient(Sandbox.shared().registry().url());
             var producer = new KafkaProducer<>(Map.<String, Object>of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Sandbox.shared().kafka().bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            AvroSerde<PaymentStatusChanged> serde = AvroSerde.forTopic(fixture.topics.paymentStatus(), registry);
            producer.send(new ProducerRecord<>(fixture.topics.paymentStatus().name(), paymentId,
                    serde.serialize(event)));
            producer.flush();
        }
    }
}
