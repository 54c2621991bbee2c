package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.outbox.OutboxMigration;
import io.chargeonce.outbox.OutboxWriter;
import io.chargeonce.relay.slot.ReplicationSlot;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One test's private world on the shared sandbox: a fresh database with the outbox table, a
 * unique slot and topic prefix, a consumer of the request topic, and cleanup that drops the slot
 * even when the test failed (a forgotten slot pins WAL on the shared server).
 */
final class RelayTestBed implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final RelayConfig config;
    final Topics topics;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DataSource dataSource;
    private final OutboxWriter writer = new OutboxWriter();
    private final Random random;
    private final Admin admin;
    private final List<OutboxRelay> relays = new ArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    private KafkaConsumer<String, byte[]> consumer;
    private Connection writeConnection;

    private RelayTestBed(RelayConfig config, DatabaseInfo database, long seed) {
        this.config = config;
        this.topics = config.topics();
        this.random = new Random(seed);
        this.dataSource = database.dataSource();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
    }

    /** A bed whose relays drop their slot on close; {@code workDir} holds the offset file. */
    static RelayTestBed create(Path workDir) {
        return create(workDir, Sandbox.shared());
    }

    /** As {@link #create(Path)}, on a sandbox of the test's own (one it may crash). */
    static RelayTestBed create(Path workDir, Sandbox sandbox) {
        DatabaseInfo db = sandbox.postgres().createDatabase("relay");
        int sequence = SEQUENCE.incrementAndGet();
        // Names must not collide with an earlier run's leftovers on a reused broker; payloads are
        // seeded by sequence, so a failing run writes the same bytes when repeated.
        String unique = "t" + sequence + "_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        RelayConfig config = RelayConfig.builder(
                        new RelayConfig.Database(sandbox.postgres().host(), sandbox.postgres().port(), db.name(),
                                db.user(), db.password()),
                        sandbox.kafka().bootstrapServers())
                .slotName("relay_" + unique)
                .publicationName("relay_pub_" + unique)
                .topics(Topics.withPrefix("relay-" + unique.replace('_', '-')))
                .offsetFile(workDir.resolve("offsets.dat"))
                .dropSlotOnStop(true)
                .deliveryTimeout(Duration.ofSeconds(20))
                .build();
        return new RelayTestBed(config, db, 42L + sequence);
    }

    RelayTestBed withOutboxTable() {
        OutboxMigration.migrate(dataSource);
        return this;
    }

    RelayTestBed withRequestTopic(int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topics.paymentRequests().name(), partitions, (short) 1))).all().get();
        return this;
    }

    OutboxRelay startRelay() {
        return startRelay(builder -> builder);
    }

    /** Starts a relay on this bed's slot, offsets and topics, with some settings changed. */
    OutboxRelay startRelay(UnaryOperator<RelayConfig.Builder> change) {
        return startRelay(change, meters);
    }

    /** As {@link #startRelay(UnaryOperator)}, with metrics of its own. */
    OutboxRelay startRelay(UnaryOperator<RelayConfig.Builder> change, MeterRegistry registry) {
        OutboxRelay relay = new OutboxRelay(change.apply(config.toBuilder()).build(), registry, Clock.systemUTC());
        relays.add(relay);
        relay.start();
        return relay;
    }

    /** A payment event with a random payload that uses every byte value, so any re-encoding shows. */
    OutboxEvent paymentEvent(String paymentId) {
        return paymentEvent(paymentId, 256 + random.nextInt(256));
    }

    OutboxEvent paymentEvent(String paymentId, int payloadSize) {
        byte[] payload = new byte[payloadSize];
        random.nextBytes(payload);
        payload[0] = 0; // Confluent magic byte, as the real payloads start
        for (int i = 0; i < 256 && i + 5 < payloadSize; i++) {
            payload[i + 5] = (byte) i;
        }
        String trace = String.format("00-%032x-%016x-01", random.nextLong() & Long.MAX_VALUE,
                random.nextLong() & Long.MAX_VALUE);
        return new OutboxEvent(UUID.randomUUID(), Topics.PAYMENT_AGGREGATE, paymentId, "PaymentRequested", payload,
                trace);
    }

    /** Writes the events in one committed transaction (insert + delete each, by the outbox-writer). */
    List<OutboxEvent> commit(OutboxEvent... events) throws SQLException {
        Connection transaction = writeConnection();
        for (OutboxEvent event : events) {
            writer.write(transaction, event);
        }
        transaction.commit();
        return List.of(events);
    }

    /** Writes the events in a transaction that rolls back. */
    void rollBack(OutboxEvent... events) throws SQLException {
        Connection transaction = writeConnection();
        for (OutboxEvent event : events) {
            writer.write(transaction, event);
        }
        transaction.rollback();
    }

    /** One connection for all writes, as a service's pool would hand out: no connect cost per transaction. */
    private Connection writeConnection() throws SQLException {
        if (writeConnection == null) {
            writeConnection = dataSource.getConnection();
            writeConnection.setAutoCommit(false);
        }
        return writeConnection;
    }

    /** Drops the write connection (broken by a database restart); the next commit opens a new one. */
    void reconnect() {
        if (writeConnection != null) {
            try {
                writeConnection.close();
            } catch (SQLException alreadyBroken) {
                // a killed server broke it; closing is only tidying up
            }
            writeConnection = null;
        }
    }

    /** Whether the relay's publication ships inserts and deletes, as Postgres has it. */
    Map<String, Boolean> publicationOperations() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT pubinsert, pubdelete FROM pg_publication WHERE pubname = ?")) {
            select.setString(1, config.publicationName());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no publication " + config.publicationName());
                }
                return Map.of("insert", row.getBoolean("pubinsert"), "delete", row.getBoolean("pubdelete"));
            }
        }
    }

    /** Everything read from the request topic so far, after one more poll. */
    List<ConsumerRecord<String, byte[]>> received() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ByteArrayDeserializer());
            consumer.assign(requestPartitions());
        }
        consumer.poll(Duration.ofMillis(100)).forEach(received::add);
        return List.copyOf(received);
    }

    /** How many records the request topic holds, by its end offsets: counts what a consumer has not seen yet. */
    long recordsOnTopic() {
        try (KafkaConsumer<String, byte[]> probe = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return probe.endOffsets(requestPartitions()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    ReplicationSlot slot() {
        return new ReplicationSlot(config.database(), config.slotName());
    }

    private List<TopicPartition> requestPartitions() {
        try (KafkaConsumer<String, byte[]> probe = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return probe.partitionsFor(topics.paymentRequests().name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            relays.forEach(OutboxRelay::close);
        } finally {
            try {
                slot().drop(Duration.ofSeconds(10));
            } finally {
                if (consumer != null) {
                    consumer.close();
                }
                if (writeConnection != null) {
                    writeConnection.close();
                }
                admin.close();
            }
        }
    }
}
