package io.chargeonce.cli.cluster;

import io.chargeonce.sandbox.ChildJvm;
import io.chargeonce.sandbox.DatabaseInfo;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The environment of each service process of one cluster: where the infrastructure is, the
 * cluster's topic prefix, slot and application id, and the tuning of {@link ClusterOptions}. Every
 * restart of a service gets the same environment, so it comes back on the same port, slot, offsets
 * and state directory.
 */
record ServiceEnvironments(ClusterOptions options, String prefix, DatabaseInfo database, String postgresHost,
                           int postgresPort, String bootstrapServers, String registryUrl, String providerUrl,
                           int apiPort, List<ProcessCluster.Merchant> merchants, Path dir) {

    static final String OWNER = String.valueOf(ProcessHandle.current().pid());

    Map<String, String> api() {
        Map<String, String> env = common("api");
        env.put("CHARGEONCE_API_HTTP_HOST", "127.0.0.1");
        env.put("CHARGEONCE_API_HTTP_PORT", Integer.toString(apiPort));
        env.put("CHARGEONCE_API_JDBC_URL", database.jdbcUrl());
        env.put("CHARGEONCE_API_JDBC_USER", database.user());
        env.put("CHARGEONCE_API_JDBC_PASSWORD", database.password());
        env.put("CHARGEONCE_API_DB_CONNECTION_TIMEOUT", options.apiDbConnectionTimeout().toString());
        env.put("CHARGEONCE_API_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("CHARGEONCE_API_REGISTRY_URL", registryUrl);
        env.put("CHARGEONCE_API_TOPIC_PREFIX", prefix);
        env.put("CHARGEONCE_API_STATUS_CONSUMER_GROUP", prefix + "-api");
        env.put("CHARGEONCE_API_PROVISION_MERCHANT", merchants.stream()
                .map(merchant -> merchant.name() + ":" + merchant.apiKey()).collect(Collectors.joining(",")));
        return env;
    }

    Map<String, String> relay() {
        Map<String, String> env = common("relay");
        env.put("CHARGEONCE_RELAY_DB_HOST", postgresHost);
        env.put("CHARGEONCE_RELAY_DB_PORT", Integer.toString(postgresPort));
        env.put("CHARGEONCE_RELAY_DB_NAME", database.name());
        env.put("CHARGEONCE_RELAY_DB_USER", database.user());
        env.put("CHARGEONCE_RELAY_DB_PASSWORD", database.password());
        env.put("CHARGEONCE_RELAY_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("CHARGEONCE_RELAY_TOPIC_PREFIX", prefix);
        env.put("CHARGEONCE_RELAY_SLOT_NAME", slotName());
        env.put("CHARGEONCE_RELAY_PUBLICATION_NAME", slotName() + "_pub");
        env.put("CHARGEONCE_RELAY_OFFSET_FILE", relayOffsetFile().toString());
        env.put("CHARGEONCE_RELAY_OFFSET_FLUSH_INTERVAL", options.relayOffsetFlushInterval().toString());
        env.put("CHARGEONCE_RELAY_RESTART_BACKOFF_MAX", options.relayRestartBackoffMax().toString());
        // the cluster's relay lives through restarts of everything: its slot must outlive it too
        env.put("CHARGEONCE_RELAY_DROP_SLOT_ON_STOP", "false");
        return env;
    }

    Map<String, String> processor(String name) {
        Map<String, String> env = common(name);
        env.put("CHARGEONCE_PROCESSOR_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("CHARGEONCE_PROCESSOR_REGISTRY_URL", registryUrl);
        env.put("CHARGEONCE_PROCESSOR_PROVIDER_URL", providerUrl);
        env.put("CHARGEONCE_PROCESSOR_APPLICATION_ID", applicationId());
        env.put("CHARGEONCE_PROCESSOR_TOPIC_PREFIX", prefix);
        env.put("CHARGEONCE_PROCESSOR_TOPIC_PARTITIONS", Integer.toString(options.topicPartitions()));
        env.put("CHARGEONCE_PROCESSOR_STATE_DIR", dir.resolve(name).resolve("state").toString());
        env.put("CHARGEONCE_PROCESSOR_SESSION_TIMEOUT", options.sessionTimeout().toString());
        env.put("CHARGEONCE_PROCESSOR_MAX_POLL_INTERVAL", options.maxPollInterval().toString());
        env.put("CHARGEONCE_PROCESSOR_COMMIT_INTERVAL", options.commitInterval().toString());
        env.put("CHARGEONCE_PROCESSOR_PROVIDER_TIMEOUT", options.providerTimeout().toString());
        env.put("CHARGEONCE_PROCESSOR_MAX_ATTEMPTS", Integer.toString(options.maxAttempts()));
        env.put("CHARGEONCE_PROCESSOR_RETRY_MAX_BACKOFF", options.retryMaxBackoff().toString());
        return env;
    }

    String slotName() {
        return prefix.replace('-', '_');
    }

    String applicationId() {
        return prefix + "-processor";
    }

    Path relayOffsetFile() {
        return dir.resolve("relay").resolve("offsets.dat");
    }

    Path logDir() {
        return dir.resolve("logs");
    }

    /** Every service exits when this JVM is gone, and logs to its own file. */
    private Map<String, String> common(String name) {
        Map<String, String> env = new HashMap<>();
        env.put(ChildJvm.OWNER_PID_ENV, OWNER);
        env.put("CHARGEONCE_LOG_FILE", logDir().resolve(name + ".log").toString());
        return env;
    }
}
