package io.chargeonce.relay;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayConfigTest {

    private static final RelayConfig.Database DATABASE =
            new RelayConfig.Database("127.0.0.1", 5433, "payments", "relay", "s3cret-pw");

    private final RelayConfig defaults = RelayConfig.builder(DATABASE, "127.0.0.1:9092").build();

    @Test
    void defaults_are_the_documented_ones() {
        assertThat(defaults.slotName()).isEqualTo("chargeonce_outbox");
        assertThat(defaults.publicationName()).isEqualTo("chargeonce_outbox_pub");
        assertThat(defaults.outboxTable()).isEqualTo("public.outbox");
        assertThat(defaults.pollInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(defaults.dropSlotOnStop()).isFalse();
        assertThat(defaults.topics().paymentRequests().name()).isEqualTo("chargeonce.payment-requests.v1");
    }

    @Test
    void never_shows_the_database_password_or_producer_override_values() {
        RelayConfig config = defaults.toBuilder()
                .producerOverrides(Map.of("sasl.jaas.config", "PlainLoginModule password=\"kafka-secret\""))
                .build();

        assertThat(config.toString()).doesNotContain("s3cret-pw").doesNotContain("kafka-secret")
                .contains("sasl.jaas.config");
    }

    @Test
    void refuses_producer_overrides_that_would_weaken_delivery() {
        for (String owned : new String[] {"acks", "enable.idempotence", "retries"}) {
            assertThatThrownBy(() -> defaults.toBuilder().producerOverrides(Map.of(owned, "1")).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(owned);
        }
    }

    @Test
    void refuses_names_postgres_would_not_take_unquoted() {
        assertThatThrownBy(() -> defaults.toBuilder().slotName("Outbox-Slot").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotName");
        assertThatThrownBy(() -> defaults.toBuilder().outboxTable("outbox").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema-qualified");
    }

    @Test
    void producer_is_idempotent_with_acks_from_all_replicas_whatever_the_overrides() {
        Map<String, Object> producer = OutboxRelay.producerProperties(defaults.toBuilder()
                .producerOverrides(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"))
                .build());

        assertThat(producer).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    }

    @Test
    void reads_the_environment_over_the_defaults() {
        RelayConfig config = RelayConfig.fromEnvironment(Map.of(
                "CHARGEONCE_RELAY_DB_HOST", "db.internal",
                "CHARGEONCE_RELAY_DB_PORT", "6543",
                "CHARGEONCE_RELAY_DB_NAME", "payments",
                "CHARGEONCE_RELAY_DB_PASSWORD", "from-env",
                "CHARGEONCE_RELAY_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
                "CHARGEONCE_RELAY_SLOT_NAME", "relay_b",
                "CHARGEONCE_RELAY_TOPIC_PREFIX", "cluster-7",
                "CHARGEONCE_RELAY_OFFSET_FILE", "/var/lib/relay/offsets.dat",
                "CHARGEONCE_RELAY_DROP_SLOT_ON_STOP", "true",
                "CHARGEONCE_RELAY_RESTART_BACKOFF_MAX", "PT5S"));

        assertThat(config.database()).isEqualTo(new RelayConfig.Database("db.internal", 6543, "payments", "postgres",
                "from-env"));
        assertThat(config.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(config.slotName()).isEqualTo("relay_b");
        assertThat(config.topics().paymentRequests().name()).isEqualTo("cluster-7.payment-requests.v1");
        assertThat(config.offsetFile()).isEqualTo(Path.of("/var/lib/relay/offsets.dat"));
        assertThat(config.dropSlotOnStop()).isTrue();
        assertThat(config.restartBackoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.restartBackoff()).isEqualTo(defaults.restartBackoff());
        assertThat(RelayConfig.fromEnvironment(Map.of()).database())
                .isEqualTo(new RelayConfig.Database("127.0.0.1", 5433, "chargeonce", "postgres", ""));
    }

    @Test
    void an_unreadable_or_invalid_variable_is_named() {
        assertThatThrownBy(() -> RelayConfig.fromEnvironment(Map.of("CHARGEONCE_RELAY_DB_PORT", "fifty")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHARGEONCE_RELAY_DB_PORT=fifty");
        assertThatThrownBy(() -> RelayConfig.fromEnvironment(Map.of("CHARGEONCE_RELAY_DROP_SLOT_ON_STOP", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHARGEONCE_RELAY_DROP_SLOT_ON_STOP");
        assertThatThrownBy(() -> RelayConfig.fromEnvironment(Map.of("CHARGEONCE_RELAY_RESTART_BACKOFF", "PT1M")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restartBackoffMax");
    }
}
