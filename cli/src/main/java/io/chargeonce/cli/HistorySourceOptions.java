package io.chargeonce.cli;

import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.schemas.Topics;
import picocli.CommandLine.Option;

/**
 * Where a read-only command finds the real systems: payment-api's database, Kafka, the registry,
 * the provider. Defaults point at {@code chargeonce up} on its documented ports. Shared by
 * {@code verify} and {@code payment} as a picocli mixin.
 */
public final class HistorySourceOptions {

    @Option(names = "--jdbc-url", defaultValue = HistorySources.DEFAULT_JDBC_URL,
            description = "payment-api's database (default ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = HistorySources.DEFAULT_JDBC_USER, description = "Default ${DEFAULT-VALUE}.")
    String jdbcUser;

    @Option(names = "--jdbc-password", defaultValue = "${env:CHARGEONCE_JDBC_PASSWORD:-" + HistorySources.DEFAULT_JDBC_PASSWORD + "}",
            description = "Default: $CHARGEONCE_JDBC_PASSWORD, else the sandbox's.")
    String jdbcPassword;

    @Option(names = "--bootstrap-servers", defaultValue = HistorySources.DEFAULT_BOOTSTRAP_SERVERS,
            description = "Kafka (default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = HistorySources.DEFAULT_REGISTRY_URL,
            description = "Schema registry the events were written against (default ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(names = "--provider-url", defaultValue = HistorySources.DEFAULT_PROVIDER_URL,
            description = "Payment provider: its GET /v1/ledger and GET /v1/charges?idempotency_key= (default ${DEFAULT-VALUE}).")
    String providerUrl;

    @Option(names = "--topic-prefix", defaultValue = HistorySources.DEFAULT_TOPIC_PREFIX,
            description = "Topic catalog prefix (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    HistorySources sources() {
        return new HistorySources(jdbcUrl, jdbcUser, jdbcPassword, bootstrapServers, registryUrl, providerUrl,
                Topics.withPrefix(topicPrefix));
    }
}
