package io.chargeonce.processor;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessorConfigTest {
    private final ProcessorConfig.Builder valid =
            ProcessorConfig.builder("localhost:9092", "http://localhost:8081/apis/ccompat/v7", "http://localhost:8090");

    @Test
    void defaultsAreTheDocumentedOnes() {
        ProcessorConfig config = valid.build();

        assertThat(config.applicationId()).isEqualTo("chargeonce-payment-processor");
        assertThat(config.inboxRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.providerTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.callDeadline()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.maxAttempts()).isEqualTo(8);
        assertThat(config.providerIdempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxPollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.relayRedeliveryHorizon()).isEqualTo(Duration.ofHours(1));
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void nonsenseIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> valid.maxAttempts(0).build()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> valid.maxAttempts(8).retryMaxBackoff(Duration.ofMillis(1)).build())
                .hasMessageContaining("retryMaxBackoff");
        assertThatThrownBy(() -> valid.retryMaxBackoff(Duration.ofSeconds(5)).providerTimeout(Duration.ZERO).build())
                .hasMessageContaining("providerTimeout");
        assertThatThrownBy(() -> valid.providerTimeout(Duration.ofHours(13)).build())
                .hasMessageContaining("providerIdempotencyWindow");
        assertThatThrownBy(() -> ProcessorConfig.builder("localhost:9092", "localhost:8081", "http://p").build())
                .hasMessageContaining("registryUrl");
        assertThatThrownBy(() -> ProcessorConfig.builder(" ", "http://r", "http://p").build())
                .hasMessageContaining("bootstrapServers");
    }

    @Test
    void anInboxThatForgetsWithinTheProviderWindowIsRefused() {
        assertThatThrownBy(() -> valid.inboxRetention(Duration.ofHours(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("inboxRetention (PT1H) must exceed providerIdempotencyWindow (PT24H)");
        assertThatThrownBy(() -> valid.inboxRetention(Duration.ofHours(24)).build())
                .hasMessageContaining("must exceed providerIdempotencyWindow");
    }

    @Test
    void anInboxThatForgetsWithinTheRelayHorizonIsRefused() {
        assertThatThrownBy(() -> valid.relayRedeliveryHorizon(Duration.ofDays(7)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("inboxRetention (PT168H) must exceed relayRedeliveryHorizon (PT168H)");
        assertThatThrownBy(() -> valid.relayRedeliveryHorizon(Duration.ZERO).build())
                .hasMessageContaining("relayRedeliveryHorizon must be a positive duration");
    }

    @Test
    void aRetentionBeyondBothHorizonsStarts() {
        ProcessorConfig config = valid.inboxRetention(Duration.ofHours(49))
                .providerIdempotencyWindow(Duration.ofHours(48)).relayRedeliveryHorizon(Duration.ofHours(48).plusMinutes(59))
                .build();

        assertThat(config.inboxRetention()).isEqualTo(Duration.ofHours(49));
    }

    @Test
    void unsafeRetentionFromTheEnvironmentIsRefusedNamingTheSetting() {
        ProcessorConfig config = ProcessorConfig.fromEnvironment(Map.of(
                "CHARGEONCE_PROCESSOR_INBOX_RETENTION", "P3D",
                "CHARGEONCE_PROCESSOR_RELAY_REDELIVERY_HORIZON", "PT36H"));
        assertThat(config.inboxRetention()).isEqualTo(Duration.ofDays(3));
        assertThat(config.relayRedeliveryHorizon()).isEqualTo(Duration.ofHours(36));

        assertThatThrownBy(() -> ProcessorConfig.fromEnvironment(Map.of("CHARGEONCE_PROCESSOR_INBOX_RETENTION", "PT1H")))
                .hasMessageStartingWith("invalid payment-processor configuration: inboxRetention (PT1H) must exceed providerIdempotencyWindow (PT24H)");
        assertThatThrownBy(() -> ProcessorConfig.fromEnvironment(Map.of("CHARGEONCE_PROCESSOR_RELAY_REDELIVERY_HORIZON", "P8D")))
                .hasMessageContaining("must exceed relayRedeliveryHorizon (PT192H)");
    }

    @Test
    void readsTheEnvironmentOverTheDefaults() {
        ProcessorConfig config = ProcessorConfig.fromEnvironment(Map.of(
                "CHARGEONCE_PROCESSOR_KAFKA_BOOTSTRAP_SERVERS", "k1:9092",
                "CHARGEONCE_PROCESSOR_PROVIDER_URL", "http://provider:8090",
                "CHARGEONCE_PROCESSOR_APPLICATION_ID", "processor-b",
                "CHARGEONCE_PROCESSOR_TOPIC_PREFIX", "cluster-7",
                "CHARGEONCE_PROCESSOR_SESSION_TIMEOUT", "PT6S",
                "CHARGEONCE_PROCESSOR_MAX_POLL_INTERVAL", "PT15S",
                "CHARGEONCE_PROCESSOR_MAX_ATTEMPTS", "3",
                "CHARGEONCE_PROCESSOR_STATE_DIR", "/var/lib/processor"));

        assertThat(config.bootstrapServers()).isEqualTo("k1:9092");
        assertThat(config.registryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
        assertThat(config.providerUrl()).isEqualTo("http://provider:8090");
        assertThat(config.applicationId()).isEqualTo("processor-b");
        assertThat(config.topics().paymentRequests().name()).isEqualTo("cluster-7.payment-requests.v1");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.maxPollInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/processor"));
        assertThat(PaymentProcessor.streamsProperties(config))
                .containsEntry("consumer.session.timeout.ms", 6_000)
                .containsEntry("consumer.max.poll.interval.ms", 15_000);
    }

    @Test
    void anUnreadableOrInvalidVariableIsNamed() {
        assertThatThrownBy(() -> ProcessorConfig.fromEnvironment(Map.of("CHARGEONCE_PROCESSOR_MAX_ATTEMPTS", "many")))
                .hasMessageContaining("CHARGEONCE_PROCESSOR_MAX_ATTEMPTS=many");
        assertThatThrownBy(() -> ProcessorConfig.fromEnvironment(Map.of("CHARGEONCE_PROCESSOR_MAX_POLL_INTERVAL", "PT0.05S")))
                .hasMessageContaining("maxPollInterval");
    }
}
