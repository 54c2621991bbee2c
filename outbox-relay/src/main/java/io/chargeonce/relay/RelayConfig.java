package io.chargeonce.relay;

import io.chargeonce.schemas.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Settings of one outbox relay: which database and outbox table it reads, through which
 * replication slot and publication, where it keeps its offsets and which Kafka it writes to.
 * Built with {@link #builder(Database, String)}; every other setting has a default chosen for a
 * single relay in front of a low-latency payment flow.
 *
 * @param database            the Postgres database holding the outbox table
 * @param slotName            logical replication slot (default {@code chargeonce_outbox}). The slot
 *                            is what makes the relay lossless across restarts: Postgres keeps every
 *                            WAL segment from the slot's confirmed position on, so a relay that is
 *                            down for long makes the server's disk grow. One slot per relay
 *                            deployment; two relays on one slot would fight over it.
 * @param publicationName     pgoutput publication (default {@code chargeonce_outbox_pub}); created by
 *                            Debezium for the outbox table only, so other tables' changes are never
 *                            decoded or shipped to the relay
 * @param outboxTable         schema-qualified outbox table (default {@code public.outbox}); it must
 *                            exist before the relay starts, since the publication is created for it
 * @param bootstrapServers    Kafka bootstrap servers
 * @param topics              topic catalog the aggregate types are routed into (default
 *                            {@link Topics#defaults()})
 * @param offsetFile          Debezium's offset file (default {@code chargeonce-relay/offsets.dat}).
 *                            Losing it is safe only while the slot survives: the relay then resumes
 *                            from the slot's confirmed position. Keep it on durable storage.
 * @param offsetFlushInterval how often acknowledged positions are written to the offset file and
 *                            confirmed to the slot (default 1 s). Shorter: fewer duplicates after a
 *                            crash (everything since the last flush is sent again) and less WAL held;
 *                            longer: fewer file writes. At 10 s a crash redelivered ~15 rows.
 * @param pollInterval        how long Debezium waits for more changes before handing over a batch
 *                            (default 10 ms). Debezium's 500 ms default measured ~500 ms median
 *                            commit-to-Kafka latency; 10 ms gave ~12 ms, for a little more CPU when idle.
 * @param dropSlotOnStop      drop the replication slot, and delete the offset file, on
 *                            {@link OutboxRelay#close()} (default false). True frees the WAL it pins but
 *                            forgets the position: rows committed while no slot exists are never
 *                            relayed. For tests and throwaway demos only. (A relay that finds its offsets
 *                            but not its slot refuses to start, since it cannot know what it missed.)
 *                            Debezium drops the slot whenever its task stops, including the restart it
 *                            makes after losing the database connection: such a relay cannot survive a
 *                            Postgres restart and keeps refusing to resume, loudly.
 * @param deliveryTimeout     how long a batch may wait for Kafka's acknowledgements before the relay
 *                            gives up and stops (default 2 min, Kafka's own default). Longer rides out
 *                            a broker restart; shorter reports an outage sooner. Nothing is lost
 *                            either way: an unacknowledged batch is sent again after restart.
 * @param startTimeout        how long {@link OutboxRelay#start()} waits for the connector to be
 *                            streaming (default 60 s)
 * @param producerOverrides   extra Kafka producer settings, e.g. {@code security.protocol} or SASL
 *                            settings (default none). Settings that would weaken delivery
 *                            ({@code acks}, {@code enable.idempotence}, {@code retries}) or that the
 *                            relay owns (serializers, bootstrap servers) are refused.
 * @param restartBackoff      first wait before the relay restarts its engine after the engine stopped
 *                            on its own (Postgres gone past Debezium's own retries, Kafka not
 *                            acknowledging within {@code deliveryTimeout}); doubles per consecutive
 *                            failure, with jitter (default 500 ms). Short recovers sooner after a blip;
 *                            long spares a database that is struggling to come back.
 * @param restartBackoffMax   cap of that wait (default 30 s): the longest a relay sits idle after the
 *                            cause was fixed. The relay retries for ever and logs every restart; it
 *                            never skips an event, so a row that can never be relayed (no route for
 *                            its aggregate type) keeps it retrying, visibly, until a relay that knows
 *                            the route is deployed.
 */
public record RelayConfig(
        Database database,
        String slotName,
        String publicationName,
        String outboxTable,
        String bootstrapServers,
        Topics topics,
        Path offsetFile,
        Duration offsetFlushInterval,
        Duration pollInterval,
        boolean dropSlotOnStop,
        Duration deliveryTimeout,
        Duration startTimeout,
        Map<String, String> producerOverrides,
        Duration restartBackoff,
        Duration restartBackoffMax) {

    public static final String DEFAULT_SLOT = "chargeonce_outbox";
    public static final String DEFAULT_PUBLICATION = "chargeonce_outbox_pub";
    public static final String DEFAULT_OUTBOX_TABLE = "public.outbox";
    /** Prefix of every environment variable {@link #fromEnvironment} reads. */
    public static final String ENV_PREFIX = "CHARGEONCE_RELAY_";

    /** Producer settings the relay owns: overriding them would break ordering or acknowledgements. */
    static final Set<String> RESERVED_PRODUCER_SETTINGS = Set.of(
            "acks", "enable.idempotence", "retries", "key.serializer", "value.serializer", "bootstrap.servers",
            "transactional.id");

    private static final String POSTGRES_NAME = "[a-z_][a-z0-9_]{0,62}";

    public RelayConfig {
        Objects.requireNonNull(database, "database");
        requireMatches(slotName, POSTGRES_NAME, "slotName",
                "Postgres slot names are lower-case letters, digits and '_', at most 63 characters");
        requireMatches(publicationName, POSTGRES_NAME, "publicationName",
                "use lower-case letters, digits and '_', at most 63 characters");
        requireMatches(outboxTable, POSTGRES_NAME + "\\." + POSTGRES_NAME, "outboxTable",
                "give it schema-qualified and unquoted, e.g. public.outbox");
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one Kafka broker");
        }
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(offsetFile, "offsetFile");
        requirePositive(offsetFlushInterval, "offsetFlushInterval");
        requirePositive(pollInterval, "pollInterval");
        requirePositive(startTimeout, "startTimeout");
        requirePositive(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least 1 s so Kafka can retry a send, got "
                    + deliveryTimeout);
        }
        requirePositive(restartBackoff, "restartBackoff");
        requirePositive(restartBackoffMax, "restartBackoffMax");
        if (restartBackoffMax.compareTo(restartBackoff) < 0) {
            throw new IllegalArgumentException("restartBackoffMax (" + restartBackoffMax + ") must be >= restartBackoff ("
                    + restartBackoff + ")");
        }
        producerOverrides = Map.copyOf(Objects.requireNonNull(producerOverrides, "producerOverrides"));
        for (String key : producerOverrides.keySet()) {
            if (RESERVED_PRODUCER_SETTINGS.contains(key)) {
                throw new IllegalArgumentException("producer setting '" + key + "' is owned by the relay "
                        + "(idempotent, acks=all, byte[] values); remove it from producerOverrides");
            }
        }
    }

    /** A builder with every default filled in; only the database and Kafka are required. */
    public static Builder builder(Database database, String bootstrapServers) {
        return new Builder(database, bootstrapServers);
    }

    /**
     * Reads {@code CHARGEONCE_RELAY_*} variables over the defaults: the database from
     * {@code DB_HOST} (default 127.0.0.1), {@code DB_PORT} (5433), {@code DB_NAME} (chargeonce),
     * {@code DB_USER} (postgres), {@code DB_PASSWORD} (empty), Kafka from {@code KAFKA_BOOTSTRAP_SERVERS}
     * (127.0.0.1:9092), and optionally {@code SLOT_NAME}, {@code PUBLICATION_NAME}, {@code OUTBOX_TABLE},
     * {@code TOPIC_PREFIX}, {@code OFFSET_FILE}, {@code OFFSET_FLUSH_INTERVAL}, {@code POLL_INTERVAL},
     * {@code DROP_SLOT_ON_STOP}, {@code DELIVERY_TIMEOUT}, {@code START_TIMEOUT}, {@code RESTART_BACKOFF},
     * {@code RESTART_BACKOFF_MAX}. Durations are ISO-8601 ({@code PT1S}). Producer overrides are not read
     * from the environment: credentials belong in a file the deployment mounts, not in a process listing.
     *
     * @throws IllegalArgumentException naming the variable that cannot be read, or the setting that is invalid
     */
    public static RelayConfig fromEnvironment(Map<String, String> env) {
        Database database = new Database(
                read(env, "DB_HOST", Function.identity()).orElse("127.0.0.1"),
                read(env, "DB_PORT", Integer::parseInt).orElse(5433),
                read(env, "DB_NAME", Function.identity()).orElse("chargeonce"),
                read(env, "DB_USER", Function.identity()).orElse("postgres"),
                Optional.ofNullable(env.get(ENV_PREFIX + "DB_PASSWORD")).orElse(""));
        Builder b = builder(database, read(env, "KAFKA_BOOTSTRAP_SERVERS", Function.identity()).orElse("127.0.0.1:9092"));
        read(env, "SLOT_NAME", Function.identity()).ifPresent(b::slotName);
        read(env, "PUBLICATION_NAME", Function.identity()).ifPresent(b::publicationName);
        read(env, "OUTBOX_TABLE", Function.identity()).ifPresent(b::outboxTable);
        read(env, "TOPIC_PREFIX", Topics::withPrefix).ifPresent(b::topics);
        read(env, "OFFSET_FILE", Path::of).ifPresent(b::offsetFile);
        read(env, "OFFSET_FLUSH_INTERVAL", Duration::parse).ifPresent(b::offsetFlushInterval);
        read(env, "POLL_INTERVAL", Duration::parse).ifPresent(b::pollInterval);
        read(env, "DROP_SLOT_ON_STOP", RelayConfig::parseBoolean).ifPresent(b::dropSlotOnStop);
        read(env, "DELIVERY_TIMEOUT", Duration::parse).ifPresent(b::deliveryTimeout);
        read(env, "START_TIMEOUT", Duration::parse).ifPresent(b::startTimeout);
        read(env, "RESTART_BACKOFF", Duration::parse).ifPresent(b::restartBackoff);
        read(env, "RESTART_BACKOFF_MAX", Duration::parse).ifPresent(b::restartBackoffMax);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid outbox-relay configuration: " + e.getMessage(), e);
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
            throw new IllegalArgumentException("invalid outbox-relay configuration: " + key + "=" + raw
                    + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static boolean parseBoolean(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** A copy to change a few settings of, e.g. a second relay run in a test. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        // Producer overrides may carry SASL credentials: show only their names.
        return "RelayConfig[database=" + database + ", slotName=" + slotName + ", publicationName=" + publicationName
                + ", outboxTable=" + outboxTable + ", bootstrapServers=" + bootstrapServers
                + ", requestTopic=" + topics.paymentRequests().name() + ", offsetFile=" + offsetFile
                + ", offsetFlushInterval=" + offsetFlushInterval + ", pollInterval=" + pollInterval
                + ", dropSlotOnStop=" + dropSlotOnStop + ", deliveryTimeout=" + deliveryTimeout
                + ", startTimeout=" + startTimeout + ", producerOverrides=" + new TreeMap<>(producerOverrides).keySet()
                + ", restartBackoff=" + restartBackoff + ".." + restartBackoffMax + "]";
    }

    private static void requireMatches(String value, String pattern, String name, String hint) {
        if (value == null || !value.matches(pattern)) {
            throw new IllegalArgumentException(name + " '" + value + "' is not valid: " + hint);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }

    /**
     * Where the outbox lives. {@link #toString()} never shows the password.
     *
     * @param host     Postgres host
     * @param port     Postgres port
     * @param name     database name
     * @param user     a user allowed to replicate and to create the publication (the table's owner
     *                 or a superuser)
     * @param password that user's password
     */
    public record Database(String host, int port, String name, String user, String password) {

        public Database {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("database host must not be blank");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("database port must be 1-65535, got " + port);
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("database name must not be blank");
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("database user must not be blank");
            }
            Objects.requireNonNull(password, "database password (use \"\" for none)");
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        @Override
        public String toString() {
            return "Database[" + user + "@" + host + ":" + port + "/" + name + "]";
        }
    }

    /** Fills in the defaults documented on {@link RelayConfig}. */
    public static final class Builder {
        private final Database database;
        private final String bootstrapServers;
        private String slotName = DEFAULT_SLOT;
        private String publicationName = DEFAULT_PUBLICATION;
        private String outboxTable = DEFAULT_OUTBOX_TABLE;
        private Topics topics = Topics.defaults();
        private Path offsetFile = Path.of("chargeonce-relay", "offsets.dat");
        private Duration offsetFlushInterval = Duration.ofSeconds(1);
        private Duration pollInterval = Duration.ofMillis(10);
        private boolean dropSlotOnStop = false;
        private Duration deliveryTimeout = Duration.ofMinutes(2);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Map<String, String> producerOverrides = Map.of();
        private Duration restartBackoff = Duration.ofMillis(500);
        private Duration restartBackoffMax = Duration.ofSeconds(30);

        private Builder(Database database, String bootstrapServers) {
            this.database = database;
            this.bootstrapServers = bootstrapServers;
        }

        private Builder(RelayConfig config) {
            this(config.database, config.bootstrapServers);
            slotName = config.slotName;
            publicationName = config.publicationName;
            outboxTable = config.outboxTable;
            topics = config.topics;
            offsetFile = config.offsetFile;
            offsetFlushInterval = config.offsetFlushInterval;
            pollInterval = config.pollInterval;
            dropSlotOnStop = config.dropSlotOnStop;
            deliveryTimeout = config.deliveryTimeout;
            startTimeout = config.startTimeout;
            producerOverrides = config.producerOverrides;
            restartBackoff = config.restartBackoff;
            restartBackoffMax = config.restartBackoffMax;
        }

        public Builder slotName(String slotName) {
            this.slotName = slotName;
            return this;
        }

        public Builder publicationName(String publicationName) {
            this.publicationName = publicationName;
            return this;
        }

        public Builder outboxTable(String outboxTable) {
            this.outboxTable = outboxTable;
            return this;
        }

        public Builder topics(Topics topics) {
            this.topics = topics;
            return this;
        }

        public Builder offsetFile(Path offsetFile) {
            this.offsetFile = offsetFile;
            return this;
        }

        public Builder offsetFlushInterval(Duration offsetFlushInterval) {
            this.offsetFlushInterval = offsetFlushInterval;
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder dropSlotOnStop(boolean dropSlotOnStop) {
            this.dropSlotOnStop = dropSlotOnStop;
            return this;
        }

        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public Builder producerOverrides(Map<String, String> producerOverrides) {
            this.producerOverrides = producerOverrides;
            return this;
        }

        public Builder restartBackoff(Duration restartBackoff) {
            this.restartBackoff = restartBackoff;
            return this;
        }

        public Builder restartBackoffMax(Duration restartBackoffMax) {
            this.restartBackoffMax = restartBackoffMax;
            return this;
        }

        public RelayConfig build() {
            return new RelayConfig(database, slotName, publicationName, outboxTable, bootstrapServers, topics,
                    offsetFile, offsetFlushInterval, pollInterval, dropSlotOnStop, deliveryTimeout, startTimeout,
                    producerOverrides, restartBackoff, restartBackoffMax);
        }
    }
}
