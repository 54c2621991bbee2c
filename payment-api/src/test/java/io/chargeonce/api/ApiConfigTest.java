package io.chargeonce.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiConfigTest {

    @Test
    void defaultsAreValid() {
        ApiConfig config = ApiConfig.builder().build();

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(config.topics().paymentStatus().name()).isEqualTo("chargeonce.payment-status.v1");
        assertThat(config.idempotencyKeyTtl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void anIdempotencyKeyTtlOutsideItsBoundsIsRefused() {
        assertThatThrownBy(() -> ApiConfig.builder().idempotencyKeyTtl(Duration.ofSeconds(59)).build())
                .hasMessageContaining("idempotencyKeyTtl must be between PT1M and PT8784H, got PT59S");
        assertThatThrownBy(() -> ApiConfig.builder().idempotencyKeyTtl(null).build())
                .hasMessageContaining("idempotencyKeyTtl");
        assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("CHARGEONCE_API_IDEMPOTENCY_KEY_TTL", "24h")))
                .hasMessageContaining("CHARGEONCE_API_IDEMPOTENCY_KEY_TTL=24h");
    }

    @Test
    void namesEveryProblemAtOnce() {
        assertThatThrownBy(() -> ApiConfig.builder().httpPort(70_000).jdbcUrl("jdbc:mysql://x/y").registryUrl("nope")
                .idempotencyLockTimeout(Duration.ZERO).dbPoolSize(1).statusMaxBatch(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("httpPort")
                .hasMessageContaining("jdbcUrl")
                .hasMessageContaining("registryUrl")
                .hasMessageContaining("idempotencyLockTimeout")
                .hasMessageContaining("dbPoolSize")
                .hasMessageContaining("statusMaxBatch");
    }

    @Test
    void readsTheEnvironmentOverTheDefaults() {
        ApiConfig config = ApiConfig.fromEnvironment(Map.of(
                "CHARGEONCE_API_HTTP_PORT", "9999",
                "CHARGEONCE_API_JDBC_PASSWORD", "s3cret",
                "CHARGEONCE_API_TOPIC_PREFIX", "acme",
                "CHARGEONCE_API_IDEMPOTENCY_LOCK_TIMEOUT", "PT0.5S",
                "CHARGEONCE_API_STATUS_MAX_BATCH", "200",
                "CHARGEONCE_API_IDEMPOTENCY_KEY_TTL", "P2D"));

        assertThat(config.httpPort()).isEqualTo(9999);
        assertThat(config.jdbcPassword()).isEqualTo("s3cret");
        assertThat(config.topics().paymentStatus().name()).isEqualTo("acme.payment-status.v1");
        assertThat(config.idempotencyLockTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.statusMaxBatch()).isEqualTo(200);
        assertThat(config.idempotencyKeyTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void saysWhichVariableCannotBeRead() {
        assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("CHARGEONCE_API_HTTP_PORT", "eighty")))
                .hasMessageContaining("CHARGEONCE_API_HTTP_PORT=eighty");
    }
}
