package io.chargeonce.cli.verify;

import io.chargeonce.cli.Stack;
import io.chargeonce.sandbox.SandboxConfig;
import io.chargeonce.schemas.Topics;

import java.util.Objects;

/**
 * Where a running chargeonce keeps its history. The defaults are what {@code chargeonce up} and
 * {@code demo} use on the documented ports: payment-api's database is the first one the fresh
 * sandbox creates for the stack, {@code chargeonce_1}.
 *
 * @param jdbcUrl          payment-api's Postgres database (the {@code payments} table)
 * @param jdbcUser         a user that may read it
 * @param jdbcPassword     its password (the sandbox trusts local connections; any value works there)
 * @param bootstrapServers the Kafka cluster holding the topics
 * @param registryUrl      the Confluent-compatible schema registry the events were written against
 * @param providerUrl      the payment provider (simulator) whose {@code GET /v1/ledger} is the ground truth
 * @param topics           the topic catalog (its prefix)
 */
public record HistorySources(String jdbcUrl, String jdbcUser, String jdbcPassword, String bootstrapServers,
                             String registryUrl, String providerUrl, Topics topics) {

    public static final String DEFAULT_JDBC_URL =
            "jdbc:postgresql://127.0.0.1:" + SandboxConfig.DEFAULT_POSTGRES_PORT + "/chargeonce_1";
    public static final String DEFAULT_JDBC_USER = "postgres";
    public static final String DEFAULT_JDBC_PASSWORD = "postgres";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:" + SandboxConfig.DEFAULT_KAFKA_PORT;
    public static final String DEFAULT_REGISTRY_URL =
            "http://127.0.0.1:" + SandboxConfig.DEFAULT_REGISTRY_PORT + "/apis/ccompat/v7";
    public static final String DEFAULT_PROVIDER_URL = "http://127.0.0.1:" + SandboxConfig.DEFAULT_PROVIDER_PORT;
    public static final String DEFAULT_TOPIC_PREFIX = "chargeonce";

    public HistorySources {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(providerUrl, "providerUrl");
        Objects.requireNonNull(topics, "topics");
    }

    /** A stack started by {@code up} or {@code demo} on the documented ports. */
    public static HistorySources defaults() {
        return new HistorySources(DEFAULT_JDBC_URL, DEFAULT_JDBC_USER, DEFAULT_JDBC_PASSWORD, DEFAULT_BOOTSTRAP_SERVERS,
                DEFAULT_REGISTRY_URL, DEFAULT_PROVIDER_URL, Topics.withPrefix(DEFAULT_TOPIC_PREFIX));
    }

    /** A stack in this JVM, wherever it listens. */
    public static HistorySources of(Stack stack) {
        return new HistorySources(stack.database().jdbcUrl(), stack.database().user(), stack.database().password(),
                stack.sandbox().kafka().bootstrapServers(), stack.sandbox().registry().url(),
                stack.sandbox().provider().url(), stack.topics());
    }
}
