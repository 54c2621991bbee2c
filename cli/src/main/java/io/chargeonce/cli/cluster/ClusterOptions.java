package io.chargeonce.cli.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ProcessCluster} is shaped and tuned. The defaults make faults cheap to observe on a
 * two-core machine: a dead or frozen processor loses its tasks after 6 s (the broker's minimum
 * session timeout), a stuck stream thread after 15 s; every other setting is the service's own
 * default. Build with {@link #builder()}.
 *
 * @param processors               processor instances started with the cluster, sharing one application
 *                                 id; {@link ProcessCluster#addProcessor()} adds more later. Default 1.
 * @param topicPartitions          partitions of every catalog topic; caps how many processor instances
 *                                 get work. Default 3.
 * @param sessionTimeout           processor consumer session timeout: how long a killed or frozen instance
 *                                 keeps its tasks. The broker accepts 6 s at least. Default 6 s.
 * @param maxPollInterval          processor max.poll.interval.ms: how long a stream thread may stall while
 *                                 its heartbeats go on. Default 15 s.
 * @param commitInterval           processor EOS commit interval. Default 100 ms.
 * @param providerTimeout          processor's provider HTTP timeout. Default 2 s.
 * @param maxAttempts              processor's attempts before NEEDS_ATTENTION (the retry cap). Default 8.
 * @param retryMaxBackoff          processor's reconcile backoff cap. Default 5 s.
 * @param relayOffsetFlushInterval relay offset flush interval: what a kill -9 of the relay redelivers.
 *                                 Default 1 s.
 * @param relayRestartBackoffMax   cap of the relay's own restart backoff after Postgres or Kafka went away.
 *                                 Default 2 s, so recovery shows quickly after a restart.
 * @param apiDbConnectionTimeout   how long an API request waits for a database connection before its 503.
 *                                 Default 2 s.
 * @param merchants                merchant names the API provisions, each with a fresh API key; index i is
 *                                 {@link ProcessCluster#apiKey(int)}. Default two, for cross-merchant tests.
 * @param serviceJvmArgs           JVM options of each service process. Default a 384 MB heap, the serial
 *                                 collector and C1 only: services start faster and use less memory, at
 *                                 some peak throughput (fine for fault tests, not for benchmarks).
 * @param startTimeout             how long one service may take to print READY. Default 90 s.
 * @param workDir                  parent of each cluster's directory (logs, relay offsets, processor state).
 *                                 Default {@code java.io.tmpdir/chargeonce-cluster}.
 * @param keepWorkDir              keep the cluster's directory (its logs) after close. Default false.
 */
public record ClusterOptions(
        int processors,
        int topicPartitions,
        Duration sessionTimeout,
        Duration maxPollInterval,
        Duration commitInterval,
        Duration providerTimeout,
        int maxAttempts,
        Duration retryMaxBackoff,
        Duration relayOffsetFlushInterval,
        Duration relayRestartBackoffMax,
        Duration apiDbConnectionTimeout,
        List<String> merchants,
        List<String> serviceJvmArgs,
        Duration startTimeout,
        Path workDir,
        boolean keepWorkDir) {

    public ClusterOptions {
        if (processors < 1 || topicPartitions < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("processors, topicPartitions and maxAttempts must be >= 1, got "
                    + processors + ", " + topicPartitions + ", " + maxAttempts);
        }
        for (Duration d : List.of(sessionTimeout, maxPollInterval, commitInterval, providerTimeout, retryMaxBackoff,
                relayOffsetFlushInterval, relayRestartBackoffMax, apiDbConnectionTimeout, startTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("every duration must be positive, got " + d);
            }
        }
        if (sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0) {
            throw new IllegalArgumentException("the broker refuses session timeouts under 6 s, got " + sessionTimeout);
        }
        merchants = List.copyOf(merchants);
        if (merchants.isEmpty() || !merchants.stream().allMatch(name -> name.matches("[a-z0-9-]{1,40}"))) {
            throw new IllegalArgumentException("merchants must be 1+ names of lower-case letters, digits and '-', got "
                    + merchants);
        }
        serviceJvmArgs = List.copyOf(serviceJvmArgs);
        Objects.requireNonNull(workDir, "workDir");
    }

    public static ClusterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().processors(processors).topicPartitions(topicPartitions).sessionTimeout(sessionTimeout)
                .maxPollInterval(maxPollInterval).commitInterval(commitInterval).providerTimeout(providerTimeout)
                .maxAttempts(maxAttempts).retryMaxBackoff(retryMaxBackoff)
                .relayOffsetFlushInterval(relayOffsetFlushInterval).relayRestartBackoffMax(relayRestartBackoffMax)
                .apiDbConnectionTimeout(apiDbConnectionTimeout).merchants(merchants).serviceJvmArgs(serviceJvmArgs)
                .startTimeout(startTimeout).workDir(workDir).keepWorkDir(keepWorkDir);
    }

    /** Fluent construction over the documented defaults. */
    public static final class Builder {
        private int processors = 1;
        private int topicPartitions = 3;
        private Duration sessionTimeout = Duration.ofSeconds(6);
        private Duration maxPollInterval = Duration.ofSeconds(15);
        private Duration commitInterval = Duration.ofMillis(100);
        private Duration providerTimeout = Duration.ofSeconds(2);
        private int maxAttempts = 8;
        private Duration retryMaxBackoff = Duration.ofSeconds(5);
        private Duration relayOffsetFlushInterval = Duration.ofSeconds(1);
        private Duration relayRestartBackoffMax = Duration.ofSeconds(2);
        private Duration apiDbConnectionTimeout = Duration.ofSeconds(2);
        private List<String> merchants = List.of("merchant-a", "merchant-b");
        private List<String> serviceJvmArgs = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // RocksDB (the processor's stores) loads native code; say it is expected instead of a warning
                "--enable-native-access=ALL-UNNAMED");
        private Duration startTimeout = Duration.ofSeconds(90);
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "chargeonce-cluster");
        private boolean keepWorkDir = false;

        private Builder() {
        }

        public Builder processors(int value) { processors = value; return this; }
        public Builder topicPartitions(int value) { topicPartitions = value; return this; }
        public Builder sessionTimeout(Duration value) { sessionTimeout = value; return this; }
        public Builder maxPollInterval(Duration value) { maxPollInterval = value; return this; }
        public Builder commitInterval(Duration value) { commitInterval = value; return this; }
        public Builder providerTimeout(Duration value) { providerTimeout = value; return this; }
        public Builder maxAttempts(int value) { maxAttempts = value; return this; }
        public Builder retryMaxBackoff(Duration value) { retryMaxBackoff = value; return this; }
        public Builder relayOffsetFlushInterval(Duration value) { relayOffsetFlushInterval = value; return this; }
        public Builder relayRestartBackoffMax(Duration value) { relayRestartBackoffMax = value; return this; }
        public Builder apiDbConnectionTimeout(Duration value) { apiDbConnectionTimeout = value; return this; }
        public Builder merchants(List<String> value) { merchants = value; return this; }
        public Builder serviceJvmArgs(List<String> value) { serviceJvmArgs = value; return this; }
        public Builder startTimeout(Duration value) { startTimeout = value; return this; }
        public Builder workDir(Path value) { workDir = value; return this; }
        public Builder keepWorkDir(boolean value) { keepWorkDir = value; return this; }

        public ClusterOptions build() {
            return new ClusterOptions(processors, topicPartitions, sessionTimeout, maxPollInterval, commitInterval,
                    providerTimeout, maxAttempts, retryMaxBackoff, relayOffsetFlushInterval, relayRestartBackoffMax,
                    apiDbConnectionTimeout, merchants, serviceJvmArgs, startTimeout, workDir, keepWorkDir);
        }
    }
}
