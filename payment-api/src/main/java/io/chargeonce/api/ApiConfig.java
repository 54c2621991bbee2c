package io.chargeonce.api;

import io.chargeonce.schemas.Topics;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting of payment-api, validated when the record is built: an invalid value fails at
 * start-up with one message naming every problem, never at the first request.
 *
 * @param httpHost               interface to listen on. Default {@code 0.0.0.0} (reachable from
 *                               other hosts); {@code 127.0.0.1} keeps it local.
 * @param httpPort               HTTP port. Default 8080; 0 picks a free port (tests).
 * @param jdbcUrl                Postgres URL ({@code jdbc:postgresql://...}) of the database holding
 *                               payments, the status inbox and the outbox.
 * @param jdbcUser               database user.
 * @param jdbcPassword           database password; comes from the environment, never printed.
 * @param dbPoolSize             connections in the pool. Each in-flight POST holds one for its
 *                               transaction and the status inbox holds one: more serves more
 *                               concurrent requests but costs Postgres backends. Default 10.
 * @param dbConnectionTimeout    how long a request waits for a pooled connection before it gets a
 *                               503. Short fails fast under overload; long queues requests behind
 *                               slow ones. Default 5 s.
 * @param kafkaBootstrapServers  brokers the status inbox consumes from.
 * @param registryUrl            Confluent-compatible schema registry base URL.
 * @param topics                 topic catalog (names of the status topic; the request topic's
 *                               subject is used for the outbox payload).
 * @param maxBodyBytes           largest accepted request body; bigger gets 413. A payment request is
 *                               a few hundred bytes: a low cap keeps a hostile client from making
 *                               us buffer megabytes. Default 64 KiB.
 * @param idempotencyLockTimeout how long a request waits for a concurrent request with the same
 *                               Idempotency-Key to commit before answering 409 (retry later).
 *                               Longer turns more races into clean replays but holds a connection
 *                               and a Jetty thread meanwhile. Default 2 s.
 * @param statusConsumerGroup    Kafka consumer group of the status inbox. All instances of one
 *                               payment-api share it so each status event is applied once.
 * @param statusPollTimeout      longest a status poll blocks; bounds how quickly close() stops the
 *                               consumer. Default 500 ms.
 * @param statusRetryBackoffMax  cap of the jittered exponential backoff when applying a status
 *                               batch fails (database down): low recovers faster, high hammers a
 *                               struggling database less. Default 5 s.
 * @param statusMaxBatch         most status events applied in one Postgres transaction (the inbox
 *                               consumer's {@code max.poll.records}). The inbox pays one commit, i.e.
 *                               one fsync, per batch instead of per event: one at a time it topped out
 *                               at ~320 events/s, below the ~2 events per payment a storm produces.
 *                               Batches only hold what has already arrived (fetch.min.bytes stays 1),
 *                               so this adds no latency when idle. Bigger amortises more under load but
 *                               holds the batch's payment rows locked longer and retries more work
 *                               after a database failure. Default 500.
 * @param statusSessionTimeout   the status inbox consumer's session timeout: after an instance dies
 *                               (kill -9, OOM), its partitions stay unassigned this long, so the API
 *                               serves stale statuses meanwhile. Kafka's 45 s default made a crashed
 *                               API show PENDING for 45 s; shorter hands over sooner but a long GC
 *                               pause may then cost a rebalance. Default 10 s (the broker's minimum is 6 s).
 * @param idempotencyKeyTtl      how long after a payment was created its Idempotency-Key keeps binding it.
 *                               Within it, the same merchant + key replays the payment (or gets 422 for
 *                               another request); after it, the key is released and the request is a new
 *                               payment. Longer protects clients that retry late (a queue drained after an
 *                               outage) at the cost of clients never being able to reuse keys sooner;
 *                               shorter risks a late retry charging twice, so keep it above every client's
 *                               retry horizon. The released payment stays readable by id. Default 24 h
 *                               (Stripe's); 1 min..366 days.
 */
public record ApiConfig(
        String httpHost,
        int httpPort,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int dbPoolSize,
        Duration dbConnectionTimeout,
        String kafkaBootstrapServers,
        String registryUrl,
        Topics topics,
        int maxBodyBytes,
        Duration idempotencyLockTimeout,
        String statusConsumerGroup,
        Duration statusPollTimeout,
        Duration statusRetryBackoffMax,
        int statusMaxBatch,
        Duration statusSessionTimeout,
        Duration idempotencyKeyTtl) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public ApiConfig {
        List<String> problems = new ArrayList<>();
        if (httpHost == null || httpHost.isBlank()) {
            problems.add("httpHost must not be blank (e.g. 0.0.0.0)");
        }
        if (httpPort < 0 || httpPort > 65_535) {
            problems.add("httpPort must be 0..65535 (0 = any free port), got " + httpPort);
        }
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            problems.add("jdbcUrl must be a Postgres JDBC URL (jdbc:postgresql://host:port/db), got " + jdbcUrl);
        }
        if (jdbcUser == null || jdbcUser.isBlank()) {
            problems.add("jdbcUser must not be blank");
        }
        if (jdbcPassword == null) {
            jdbcPassword = "";
        }
        if (dbPoolSize < 2) {
            problems.add("dbPoolSize must be at least 2 (one for the status inbox, one for requests), got " + dbPoolSize);
        }
        requireBetween(problems, "dbConnectionTimeout", dbConnectionTimeout, Duration.ofMillis(250), Duration.ofMinutes(1));
        if (kafkaBootstrapServers == null || kafkaBootstrapServers.isBlank()) {
            problems.add("kafkaBootstrapServers must not be blank (e.g. 127.0.0.1:9092)");
        }
        if (!isHttpUrl(registryUrl)) {
            problems.add("registryUrl must be an http(s) URL (e.g. http://127.0.0.1:8081/apis/ccompat/v7), got " + registryUrl);
        }
        if (topics == null) {
            problems.add("topics must be set (Topics.defaults() or Topics.withPrefix(...))");
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > 16 * 1024 * 1024) {
            problems.add("maxBodyBytes must be 1 KiB..16 MiB, got " + maxBodyBytes);
        }
        requireBetween(problems, "idempotencyLockTimeout", idempotencyLockTimeout, Duration.ofMillis(1), Duration.ofSeconds(30));
        if (statusConsumerGroup == null || statusConsumerGroup.isBlank()) {
            problems.add("statusConsumerGroup must not be blank");
        }
        requireBetween(problems, "statusPollTimeout", statusPollTimeout, Duration.ofMillis(10), Duration.ofSeconds(30));
        requireBetween(problems, "statusRetryBackoffMax", statusRetryBackoffMax, Duration.ofMillis(10), Duration.ofMinutes(5));
        if (statusSessionTimeout == null || statusSessionTimeout.compareTo(Duration.ofSeconds(6)) < 0
                || statusSessionTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            problems.add("statusSessionTimeout must be 6 s..30 min (the broker's bounds), got " + statusSessionTimeout);
        }
        requireBetween(problems, "idempotencyKeyTtl", idempotencyKeyTtl, Duration.ofMinutes(1), Duration.ofDays(366));
        if (statusMaxBatch < 1 || statusMaxBatch > 10_000) {
            problems.add("statusMaxBatch must be 1..10000, got " + statusMaxBatch);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid payment-api configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** A builder starting from the defaults; only what differs needs setting. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code CHARGEONCE_API_*} variables over the defaults, e.g. {@code CHARGEONCE_API_HTTP_PORT},
     * {@code CHARGEONCE_API_JDBC_URL}, {@code CHARGEONCE_API_JDBC_PASSWORD},
     * {@code CHARGEONCE_API_KAFKA_BOOTSTRAP_SERVERS}, {@code CHARGEONCE_API_REGISTRY_URL},
     * {@code CHARGEONCE_API_TOPIC_PREFIX}, {@code CHARGEONCE_API_IDEMPOTENCY_KEY_TTL}; durations are
     * ISO-8601 ({@code PT2S}, {@code PT24H}).
     */
    public static ApiConfig fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        read(env, "HTTP_HOST", Function.identity()).ifPresent(b::httpHost);
        read(env, "HTTP_PORT", Integer::parseInt).ifPresent(b::httpPort);
        read(env, "JDBC_URL", Function.identity()).ifPresent(b::jdbcUrl);
        read(env, "JDBC_USER", Function.identity()).ifPresent(b::jdbcUser);
        read(env, "JDBC_PASSWORD", Function.identity()).ifPresent(b::jdbcPassword);
        read(env, "DB_POOL_SIZE", Integer::parseInt).ifPresent(b::dbPoolSize);
        read(env, "DB_CONNECTION_TIMEOUT", Duration::parse).ifPresent(b::dbConnectionTimeout);
        read(env, "KAFKA_BOOTSTRAP_SERVERS", Function.identity()).ifPresent(b::kafkaBootstrapServers);
        read(env, "REGISTRY_URL", Function.identity()).ifPresent(b::registryUrl);
        read(env, "TOPIC_PREFIX", Topics::withPrefix).ifPresent(b::topics);
        read(env, "MAX_BODY_BYTES", Integer::parseInt).ifPresent(b::maxBodyBytes);
        read(env, "IDEMPOTENCY_LOCK_TIMEOUT", Duration::parse).ifPresent(b::idempotencyLockTimeout);
        read(env, "STATUS_CONSUMER_GROUP", Function.identity()).ifPresent(b::statusConsumerGroup);
        read(env, "STATUS_POLL_TIMEOUT", Duration::parse).ifPresent(b::statusPollTimeout);
        read(env, "STATUS_RETRY_BACKOFF_MAX", Duration::parse).ifPresent(b::statusRetryBackoffMax);
        read(env, "STATUS_MAX_BATCH", Integer::parseInt).ifPresent(b::statusMaxBatch);
        read(env, "STATUS_SESSION_TIMEOUT", Duration::parse).ifPresent(b::statusSessionTimeout);
        read(env, "IDEMPOTENCY_KEY_TTL", Duration::parse).ifPresent(b::idempotencyKeyTtl);
        return b.build();
    }

    @Override
    public String toString() {
        return "ApiConfig[http=" + httpHost + ":" + httpPort + ", jdbcUrl=" + jdbcUrl + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=****, dbPoolSize=" + dbPoolSize + ", kafka=" + kafkaBootstrapServers
                + ", registry=" + registryUrl + ", statusTopic=" + topics.paymentStatus().name()
                + ", maxBodyBytes=" + maxBodyBytes + ", idempotencyLockTimeout=" + idempotencyLockTimeout
                + ", statusConsumerGroup=" + statusConsumerGroup + ", statusMaxBatch=" + statusMaxBatch
                + ", statusSessionTimeout=" + statusSessionTimeout + ", idempotencyKeyTtl=" + idempotencyKeyTtl + "]";
    }

    private static <T> Optional<T> read(Map<String, String> env, String name, Function<String, T> parse) {
        String key = "CHARGEONCE_API_" + name;
        String raw = env.get(key);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid payment-api configuration: " + key + "=" + raw
                    + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static void requireBetween(List<String> problems, String name, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static boolean isHttpUrl(String url) {
        if (url == null) {
            return false;
        }
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Mutable builder over the defaults; {@link #build()} validates. */
    public static final class Builder {
        private String httpHost = "0.0.0.0";
        private int httpPort = DEFAULT_HTTP_PORT;
        private String jdbcUrl = "jdbc:postgresql://127.0.0.1:5433/chargeonce";
        private String jdbcUser = "postgres";
        private String jdbcPassword = "";
        private int dbPoolSize = 10;
        private Duration dbConnectionTimeout = Duration.ofSeconds(5);
        private String kafkaBootstrapServers = "127.0.0.1:9092";
        private String registryUrl = "http://127.0.0.1:8081/apis/ccompat/v7";
        private Topics topics = Topics.defaults();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration idempotencyLockTimeout = Duration.ofSeconds(2);
        private String statusConsumerGroup = "chargeonce-payment-api";
        private Duration statusPollTimeout = Duration.ofMillis(500);
        private Duration statusRetryBackoffMax = Duration.ofSeconds(5);
        private int statusMaxBatch = 500;
        private Duration statusSessionTimeout = Duration.ofSeconds(10);
        private Duration idempotencyKeyTtl = Duration.ofHours(24);

        private Builder() {
        }

        public Builder httpHost(String value) {
            httpHost = value;
            return this;
        }

        public Builder httpPort(int value) {
            httpPort = value;
            return this;
        }

        public Builder jdbcUrl(String value) {
            jdbcUrl = value;
            return this;
        }

        public Builder jdbcUser(String value) {
            jdbcUser = value;
            return this;
        }

        public Builder jdbcPassword(String value) {
            jdbcPassword = value;
            return this;
        }

        /** The three database settings at once. */
        public Builder jdbc(String url, String user, String password) {
            return jdbcUrl(url).jdbcUser(user).jdbcPassword(password);
        }

        public Builder dbPoolSize(int value) {
            dbPoolSize = value;
            return this;
        }

        public Builder dbConnectionTimeout(Duration value) {
            dbConnectionTimeout = value;
            return this;
        }

        public Builder kafkaBootstrapServers(String value) {
            kafkaBootstrapServers = value;
            return this;
        }

        public Builder registryUrl(String value) {
            registryUrl = value;
            return this;
        }

        public Builder topics(Topics value) {
            topics = Objects.requireNonNull(value, "topics");
            return this;
        }

        public Builder maxBodyBytes(int value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder idempotencyLockTimeout(Duration value) {
            idempotencyLockTimeout = value;
            return this;
        }

        public Builder statusConsumerGroup(String value) {
            statusConsumerGroup = value;
            return this;
        }

        public Builder statusPollTimeout(Duration value) {
            statusPollTimeout = value;
            return this;
        }

        public Builder statusRetryBackoffMax(Duration value) {
            statusRetryBackoffMax = value;
            return this;
        }

        public Builder statusSessionTimeout(Duration value) {
            statusSessionTimeout = value;
            return this;
        }

        public Builder idempotencyKeyTtl(Duration value) {
            idempotencyKeyTtl = value;
            return this;
        }

        public Builder statusMaxBatch(int value) {
            statusMaxBatch = value;
            return this;
        }

        public ApiConfig build() {
            return new ApiConfig(httpHost, httpPort, jdbcUrl, jdbcUser, jdbcPassword, dbPoolSize, dbConnectionTimeout,
                    kafkaBootstrapServers, registryUrl, topics, maxBodyBytes, idempotencyLockTimeout,
                    statusConsumerGroup, statusPollTimeout, statusRetryBackoffMax, statusMaxBatch, statusSessionTimeout,
                    idempotencyKeyTtl);
        }
    }
}
