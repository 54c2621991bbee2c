package io.chargeonce.processor;

import io.chargeonce.schemas.Topics;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Every setting of the payment processor, with its default and its trade-off. Build one with
 * {@link #builder}; the constructor rejects nonsense with a message naming the setting.
 *
 * @param applicationId             Kafka Streams application id: consumer group, transactional id
 *                                  prefix and internal topic prefix. Changing it starts from empty
 *                                  stores, i.e. forgets the ledger and inbox: never change it in place.
 * @param bootstrapServers          Kafka brokers.
 * @param registryUrl               Confluent-compatible schema registry base URL.
 * @param providerUrl               payment provider base URL.
 * @param topics                    the topic catalog (a prefix isolates installations sharing a broker).
 * @param inboxRetention            how long (record time) a seen event id is remembered. Longer catches
 *                                  later redeliveries at the cost of store size; a duplicate older than
 *                                  this still cannot charge twice (the ledger drops it). Default 7 days.
 * @param providerTimeout           HTTP timeout of one provider call. Shorter frees a stuck payment
 *                                  sooner but turns slow successes into unknown outcomes that cost a
 *                                  reconcile. A call without an outcome after twice this is presumed
 *                                  lost, and a new owner waits that long after a crash. Default 2 s.
 * @param retryBaseBackoff          backoff ceiling after the first unknown outcome; doubles per attempt.
 *                                  Default 200 ms.
 * @param retryMaxBackoff           cap of the backoff ceiling: bounds the wait between reconciles during
 *                                  a long outage, at the cost of more calls against a struggling provider.
 *                                  Default 5 s.
 * @param maxAttempts               attempts (charge, or lookup then charge) before a payment whose outcome
 *                                  stays unknown becomes NEEDS_ATTENTION. More rides out longer outages;
 *                                  fewer hands doubtful payments to a person sooner. Default 8.
 * @param providerIdempotencyWindow how long the provider remembers an idempotency key (Stripe: 24 h).
 *                                  Past it since the first attempt, the processor escalates instead of
 *                                  charging, because a charge could be a second one. Never set it longer
 *                                  than the provider's. Default 24 h.
 * @param outcomePollInterval       wall-clock period of the punctuator that applies finished calls and
 *                                  re-drives due ones. Shorter lowers result latency at the cost of a
 *                                  little CPU per task per tick. Default 20 ms.
 * @param commitInterval            EOS transaction length. Results become visible to read_committed
 *                                  readers only at commit, so this is a floor on end-to-end latency;
 *                                  shorter costs more transaction markers. Default 100 ms.
 * @param sessionTimeout            consumer session timeout. After a crash the group waits this long
 *                                  before moving the dead instance's tasks; shorter recovers faster but
 *                                  risks needless rebalances on GC pauses. Default 10 s (Kafka: 45 s).
 * @param stateDir                  RocksDB state directory. Losing it is safe (restored from changelogs)
 *                                  but slow for a large ledger. Default: java.io.tmpdir/chargeonce-processor.
 * @param numStreamThreads          stream threads per instance; more than the request topic's partitions
 *                                  leaves threads idle. Default 1.
 * @param replicationFactor         replication of internal (changelog) topics and of topics this processor
 *                                  creates. 1 only for a single-broker sandbox; 3 in production. Default 1.
 * @param topicPartitions           partitions of topics this processor creates when they are missing; the
 *                                  request topic's partition count caps parallelism. Default 3.
 * @param dueBatch                  most due payments re-driven per punctuation, so a backlog after an
 *                                  outage does not stall the stream thread in one long punctuation. Default 500.
 */
public record ProcessorConfig(
        String applicationId,
        String bootstrapServers,
        String registryUrl,
        String providerUrl,
        Topics topics,
        Duration inboxRetention,
        Duration providerTimeout,
        Duration retryBaseBackoff,
        Duration retryMaxBackoff,
        int maxAttempts,
        Duration providerIdempotencyWindow,
        Duration outcomePollInterval,
        Duration commitInterval,
        Duration sessionTimeout,
        Path stateDir,
        int numStreamThreads,
        short replicationFactor,
        int topicPartitions,
        int dueBatch) {

    public ProcessorConfig {
        requireText(applicationId, "applicationId");
        requireText(bootstrapServers, "bootstrapServers");
        requireUrl(registryUrl, "registryUrl");
        requireUrl(providerUrl, "providerUrl");
        Objects.requireNonNull(topics, "topics must be set");
        requirePositive(inboxRetention, "inboxRetention");
        requirePositive(providerTimeout, "providerTimeout");
        requirePositive(retryBaseBackoff, "retryBaseBackoff");
        requirePositive(retryMaxBackoff, "retryMaxBackoff");
        requirePositive(providerIdempotencyWindow, "providerIdempotencyWindow");
        requirePositive(outcomePollInterval, "outcomePollInterval");
        requirePositive(commitInterval, "commitInterval");
        requirePositive(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(stateDir, "stateDir must be set");
        if (retryMaxBackoff.compareTo(retryBaseBackoff) < 0) {
            throw new IllegalArgumentException("retryMaxBackoff (" + retryMaxBackoff + ") must be >= retryBaseBackoff ("
                    + retryBaseBackoff + ")");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (providerIdempotencyWindow.compareTo(providerTimeout.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("providerIdempotencyWindow (" + providerIdempotencyWindow
                    + ") must be longer than twice providerTimeout (" + providerTimeout + "), or no re-drive is ever safe");
        }
        if (numStreamThreads < 1 || replicationFactor < 1 || topicPartitions < 1 || dueBatch < 1) {
            throw new IllegalArgumentException("numStreamThreads, replicationFactor, topicPartitions and dueBatch must be >= 1, got "
                    + numStreamThreads + ", " + replicationFactor + ", " + topicPartitions + ", " + dueBatch);
        }
    }

    /** Defaults for everything but where the services are. */
    public static Builder builder(String bootstrapServers, String registryUrl, String providerUrl) {
        return new Builder(bootstrapServers, registryUrl, providerUrl);
    }

    /** How long a started call may stay without an outcome before it is presumed lost. */
    public Duration callDeadline() {
        return providerTimeout.multipliedBy(2);
    }

    public Builder toBuilder() {
        return new Builder(bootstrapServers, registryUrl, providerUrl)
                .applicationId(applicationId).topics(topics).inboxRetention(inboxRetention)
                .providerTimeout(providerTimeout).retryBaseBackoff(retryBaseBackoff).retryMaxBackoff(retryMaxBackoff)
                .maxAttempts(maxAttempts).providerIdempotencyWindow(providerIdempotencyWindow)
                .outcomePollInterval(outcomePollInterval).commitInterval(commitInterval).sessionTimeout(sessionTimeout)
                .stateDir(stateDir).numStreamThreads(numStreamThreads).replicationFactor(replicationFactor)
                .topicPartitions(topicPartitions).dueBatch(dueBatch);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set");
        }
    }

    private static void requireUrl(String value, String name) {
        requireText(value, name);
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + value, e);
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http(s) URL with a host, got: " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }

    /** Fluent construction with the documented defaults. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String registryUrl;
        private final String providerUrl;
        private String applicationId = "chargeonce-payment-processor";
        private Topics topics = Topics.defaults();
        private Duration inboxRetention = Duration.ofDays(7);
        private Duration providerTimeout = Duration.ofSeconds(2);
        private Duration retryBaseBackoff = Duration.ofMillis(200);
        private Duration retryMaxBackoff = Duration.ofSeconds(5);
        private int maxAttempts = 8;
        private Duration providerIdempotencyWindow = Duration.ofHours(24);
        private Duration outcomePollInterval = Duration.ofMillis(20);
        private Duration commitInterval = Duration.ofMillis(100);
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "chargeonce-processor");
        private int numStreamThreads = 1;
        private short replicationFactor = 1;
        private int topicPartitions = 3;
        private int dueBatch = 500;

        private Builder(String bootstrapServers, String registryUrl, String providerUrl) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
            this.providerUrl = providerUrl;
        }

        public Builder applicationId(String value) { this.applicationId = value; return this; }
        public Builder topics(Topics value) { this.topics = value; return this; }
        public Builder inboxRetention(Duration value) { this.inboxRetention = value; return this; }
        public Builder providerTimeout(Duration value) { this.providerTimeout = value; return this; }
        public Builder retryBaseBackoff(Duration value) { this.retryBaseBackoff = value; return this; }
        public Builder retryMaxBackoff(Duration value) { this.retryMaxBackoff = value; return this; }
        public Builder maxAttempts(int value) { this.maxAttempts = value; return this; }
        public Builder providerIdempotencyWindow(Duration value) { this.providerIdempotencyWindow = value; return this; }
        public Builder outcomePollInterval(Duration value) { this.outcomePollInterval = value; return this; }
        public Builder commitInterval(Duration value) { this.commitInterval = value; return this; }
        public Builder sessionTimeout(Duration value) { this.sessionTimeout = value; return this; }
        public Builder stateDir(Path value) { this.stateDir = value; return this; }
        public Builder numStreamThreads(int value) { this.numStreamThreads = value; return this; }
        public Builder replicationFactor(short value) { this.replicationFactor = value; return this; }
        public Builder topicPartitions(int value) { this.topicPartitions = value; return this; }
        public Builder dueBatch(int value) { this.dueBatch = value; return this; }

        public ProcessorConfig build() {
            return new ProcessorConfig(applicationId, bootstrapServers, registryUrl, providerUrl, topics, inboxRetention,
                    providerTimeout, retryBaseBackoff, retryMaxBackoff, maxAttempts, providerIdempotencyWindow,
                    outcomePollInterval, commitInterval, sessionTimeout, stateDir, numStreamThreads, replicationFactor,
                    topicPartitions, dueBatch);
        }
    }
}
