package io.chargeonce.processor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

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
}
