package io.chargeonce.processor;

import io.chargeonce.schemas.Topics;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

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
 *                                  this still cannot charge twice (the ledger drops it). Must exceed both
 *                                  providerIdempotencyWindow and relayRedeliveryHorizon, or start-up
 *                                  refuses (see {@link #requireSafeRetention}). Default 7 days.
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
 * @param sessionTimeout            consumer session timeout. After a crash (or a freeze: SIGSTOP stops
 *                                  the heartbeat thread too) the group waits this long before moving the
 *                                  dead instance's tasks; shorter recovers faster but risks needless
 *                                  rebalances on GC pauses. The broker only accepts values between its
 *                                  group.min/max.session.timeout.ms (6 s..30 min by default). Default 10 s
 *                                  (Kafka: 45 s).
 * @param maxPollInterval           longest a stream thread may go without polling while its heartbeat
 *                                  thread still runs (a thread stuck in a punctuation or a blocking call)
 *                                  before it is thrown out of the group and its tasks move; its
 *                                  transactions are then fenced. Shorter hands a stuck instance's
 *                                  payments over sooner; too short throws out a thread that is merely
 *                                  slow (restoring a large store, a long GC). Default 5 min (Kafka's).
 * @param stateDir                  RocksDB state directory. Losing it is safe (restored from changelogs)
 *                                  but slow for a large ledger. Default: java.io.tmpdir/chargeonce-processor.
 * @param numStreamThreads          stream threads per instance, each with its share of the tasks and its own
 *                                  EOS producer. A thread spends much of its time blocked in its commits
 *                                  (flush, offsets, end of transaction: broker round trips); with several,
 *                                  one processes while another commits, and on CPU shared with other
 *                                  services the processor gets a fairer share. More than the request
 *                                  topic's partitions leaves threads idle; each costs a consumer, a
 *                                  producer and its transactions. Default 3, the default partition count:
 *                                  ProcessorThroughputBenchmark with 4-6 CPU-spinning threads beside it
 *                                  drained a backlog 1.2-2.3x faster than with 1 thread, at the same
 *                                  paced latency.
 * @param replicationFactor         replication of internal (changelog) topics and of topics this processor
 *                                  creates. 1 only for a single-broker sandbox; 3 in production. Default 1.
 * @param topicPartitions           partitions of topics this processor creates when they are missing; the
 *                                  request topic's partition count caps parallelism. Default 3.
 * @param dueBatch                  most due payments re-driven per punctuation, so a backlog after an
 *                                  outage does not stall the stream thread in one long punctuation. Default 500.
 * @param relayRedeliveryHorizon    the latest (record time) the outbox relay may send an event again after
 *                                  first sending it: after a crash it redelivers everything since its last
 *                                  offset flush (seconds), after losing its offset store everything the
 *                                  replication slot still retains. Set it to the longest such gap the
 *                                  installation tolerates (offset store restore time, slot retention);
 *                                  it is a promise about the relay this processor cannot check, only use
 *                                  to refuse an inbox that forgets sooner. Longer forces a longer inbox
 *                                  retention (store size); shorter risks a redelivery the inbox no longer
 *                                  recognises. Default 1 h.
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
        Duration maxPollInterval,
        Path stateDir,
        int numStreamThreads,
        short replicationFactor,
        int topicPartitions,
        int dueBatch,
        Duration relayRedeliveryHorizon) {

    /** Prefix of every environment variable {@link #fromEnvironment} reads. */
    public static final String ENV_PREFIX = "CHARGEONCE_PROCESSOR_";

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
        requirePositive(maxPollInterval, "maxPollInterval");
        requirePositive(relayRedeliveryHorizon, "relayRedeliveryHorizon");
        if (maxPollInterval.compareTo(commitInterval) <= 0) {
            throw new IllegalArgumentException("maxPollInterval (" + maxPollInterval + ") must be longer than commitInterval ("
                    + commitInterval + "), or every thread is thrown out of the group between two commits");
        }
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
        requireSafeRetention(inboxRetention, providerIdempotencyWindow, relayRedeliveryHorizon);
        if (numStreamThreads < 1 || replicationFactor < 1 || topicPartitions < 1 || dueBatch < 1) {
            throw new IllegalArgumentException("numStreamThreads, replicationFactor, topicPartitions and dueBatch must be >= 1, got "
                    + numStreamThreads + ", " + replicationFactor + ", " + topicPartitions + ", " + dueBatch);
        }
    }

    /**
     * The inbox is the first of two guards against a duplicate charge; the provider's idempotency key is
     * the second. Both refusals below name the window in which a redelivered event would meet neither
     * guard: once the inbox has forgotten an event id, only the ledger and the provider stand between a
     * redelivery and a charge, and the ledger only stops payments it has already settled.
     */
    private static void requireSafeRetention(Duration inboxRetention, Duration providerIdempotencyWindow,
                                             Duration relayRedeliveryHorizon) {
        if (inboxRetention.compareTo(providerIdempotencyWindow) <= 0) {
            throw new IllegalArgumentException("inboxRetention (" + inboxRetention + ") must exceed providerIdempotencyWindow ("
                    + providerIdempotencyWindow + "): a redelivery after the inbox forgot an event but while the provider"
                    + " still remembers its key would be decided by the provider alone, and one after both forgot would"
                    + " charge again; raise CHARGEONCE_PROCESSOR_INBOX_RETENTION");
        }
        if (inboxRetention.compareTo(relayRedeliveryHorizon) <= 0) {
            throw new IllegalArgumentException("inboxRetention (" + inboxRetention + ") must exceed relayRedeliveryHorizon ("
                    + relayRedeliveryHorizon + "): the relay may redeliver an event after the inbox has forgotten it,"
                    + " and the inbox would treat it as new; raise CHARGEONCE_PROCESSOR_INBOX_RETENTION");
        }
    }

    /** Defaults for everything but where the services are. */
    public static Builder builder(String bootstrapServers, String registryUrl, String providerUrl) {
        return new Builder(bootstrapServers, registryUrl, providerUrl);
    }

    /**
     * Reads {@code CHARGEONCE_PROCESSOR_*} variables over the defaults: where the services are,
     * {@code KAFKA_BOOTSTRAP_SERVERS} (default 127.0.0.1:9092), {@code REGISTRY_URL}
     * (http://127.0.0.1:8081/apis/ccompat/v7), {@code PROVIDER_URL} (http://127.0.0.1:8090), and every
     * other setting by its name in upper snake case: {@code APPLICATION_ID}, {@code TOPIC_PREFIX},
     * {@code INBOX_RETENTION}, {@code PROVIDER_TIMEOUT}, {@code RETRY_BASE_BACKOFF}, {@code RETRY_MAX_BACKOFF},
     * {@code MAX_ATTEMPTS}, {@code PROVIDER_IDEMPOTENCY_WINDOW}, {@code OUTCOME_POLL_INTERVAL},
     * {@code COMMIT_INTERVAL}, {@code SESSION_TIMEOUT}, {@code MAX_POLL_INTERVAL}, {@code STATE_DIR},
     * {@code NUM_STREAM_THREADS}, {@code REPLICATION_FACTOR}, {@code TOPIC_PARTITIONS}, {@code DUE_BATCH},
     * {@code RELAY_REDELIVERY_HORIZON}.
     * Durations are ISO-8601 ({@code PT10S}).
     *
     * @throws IllegalArgumentException naming the variable that cannot be read, or the setting that is invalid
     */
    public static ProcessorConfig fromEnvironment(Map<String, String> env) {
        Builder b = builder(
                read(env, "KAFKA_BOOTSTRAP_SERVERS", Function.identity()).orElse("127.0.0.1:9092"),
                read(env, "REGISTRY_URL", Function.identity()).orElse("http://127.0.0.1:8081/apis/ccompat/v7"),
                read(env, "PROVIDER_URL", Function.identity()).orElse("http://127.0.0.1:8090"));
        read(env, "APPLICATION_ID", Function.identity()).ifPresent(b::applicationId);
        read(env, "TOPIC_PREFIX", Topics::withPrefix).ifPresent(b::topics);
        read(env, "INBOX_RETENTION", Duration::parse).ifPresent(b::inboxRetention);
        read(env, "PROVIDER_TIMEOUT", Duration::parse).ifPresent(b::providerTimeout);
        read(env, "RETRY_BASE_BACKOFF", Duration::parse).ifPresent(b::retryBaseBackoff);
        read(env, "RETRY_MAX_BACKOFF", Duration::parse).ifPresent(b::retryMaxBackoff);
        read(env, "MAX_ATTEMPTS", Integer::parseInt).ifPresent(b::maxAttempts);
        read(env, "PROVIDER_IDEMPOTENCY_WINDOW", Duration::parse).ifPresent(b::providerIdempotencyWindow);
        read(env, "OUTCOME_POLL_INTERVAL", Duration::parse).ifPresent(b::outcomePollInterval);
        read(env, "COMMIT_INTERVAL", Duration::parse).ifPresent(b::commitInterval);
        read(env, "SESSION_TIMEOUT", Duration::parse).ifPresent(b::sessionTimeout);
        read(env, "MAX_POLL_INTERVAL", Duration::parse).ifPresent(b::maxPollInterval);
        read(env, "STATE_DIR", Path::of).ifPresent(b::stateDir);
        read(env, "NUM_STREAM_THREADS", Integer::parseInt).ifPresent(b::numStreamThreads);
        read(env, "REPLICATION_FACTOR", Short::parseShort).ifPresent(b::replicationFactor);
        read(env, "TOPIC_PARTITIONS", Integer::parseInt).ifPresent(b::topicPartitions);
        read(env, "DUE_BATCH", Integer::parseInt).ifPresent(b::dueBatch);
        read(env, "RELAY_REDELIVERY_HORIZON", Duration::parse).ifPresent(b::relayRedeliveryHorizon);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid payment-processor configuration: " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> read(Map<String, String> env, String name, Function<String, T> parse) {
        String key = ENV_PREFIX + name;
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw.strip()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid payment-processor configuration: " + key + "=" + raw
                    + " cannot be read (" + e.getMessage() + ")", e);
        }
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
                .maxPollInterval(maxPollInterval).stateDir(stateDir).numStreamThreads(numStreamThreads).replicationFactor(replicationFactor)
                .topicPartitions(topicPartitions).dueBatch(dueBatch).relayRedeliveryHorizon(relayRedeliveryHorizon);
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
        private Duration maxPollInterval = Duration.ofMinutes(5);
        private Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "chargeonce-processor");
        private int numStreamThreads = 3;
        private short replicationFactor = 1;
        private int topicPartitions = 3;
        private int dueBatch = 500;
        private Duration relayRedeliveryHorizon = Duration.ofHours(1);

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
        public Builder maxPollInterval(Duration value) { this.maxPollInterval = value; return this; }
        public Builder stateDir(Path value) { this.stateDir = value; return this; }
        public Builder numStreamThreads(int value) { this.numStreamThreads = value; return this; }
        public Builder replicationFactor(short value) { this.replicationFactor = value; return this; }
        public Builder topicPartitions(int value) { this.topicPartitions = value; return this; }
        public Builder dueBatch(int value) { this.dueBatch = value; return this; }
        public Builder relayRedeliveryHorizon(Duration value) { this.relayRedeliveryHorizon = value; return this; }

        public ProcessorConfig build() {
            return new ProcessorConfig(applicationId, bootstrapServers, registryUrl, providerUrl, topics, inboxRetention,
                    providerTimeout, retryBaseBackoff, retryMaxBackoff, maxAttempts, providerIdempotencyWindow,
                    outcomePollInterval, commitInterval, sessionTimeout, maxPollInterval, stateDir, numStreamThreads,
                    replicationFactor,
                    topicPartitions, dueBatch, relayRedeliveryHorizon);
        }
    }
}
