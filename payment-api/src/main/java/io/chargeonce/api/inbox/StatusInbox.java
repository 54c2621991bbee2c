package io.chargeonce.api.inbox;

import io.chargeonce.api.history.Subject;
import io.chargeonce.schemas.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Background consumer of the payment status topic and the refund status topic (one consumer, both
 * topics, dispatched by topic) that applies each poll's events through {@link StatusApplier}, in
 * one database transaction per poll.
 *
 * <p>Delivery is at least once and the effect exactly once: Kafka offsets are committed only after
 * the database transaction of the records they cover has committed, and the applier's inbox
 * drops whatever a crash in between redelivers. It reads {@code read_committed}, so status events
 * of an aborted processor transaction are never seen.
 *
 * <p>Batches form by themselves: a poll returns what arrived while the previous batch was being
 * applied (at most {@link Settings#maxBatch()}), so an idle inbox applies a lone event at once and
 * a busy one amortises its commit over many.
 *
 * <p>A record that cannot be decoded is logged with its coordinates, counted and skipped: it will
 * never decode, and stopping would freeze every payment behind it.
 *
 * <p>Counters {@value #PAYMENT_OUTCOMES} and {@value #REFUND_OUTCOMES}, tagged {@code outcome}: what
 * became of the payment and of the refund status records. A failure that may heal (the
 * database or the registry is down) rewinds the whole batch, which is retried with a jittered,
 * capped backoff, so nothing is skipped.
 */
public final class StatusInbox implements AutoCloseable {

    /** Counter of what became of payment status records. */
    public static final String PAYMENT_OUTCOMES = "chargeonce.api.status_inbox";
    /** Counter of what became of refund status records. */
    public static final String REFUND_OUTCOMES = "chargeonce.api.refund_status_inbox";

    private static final Logger log = LoggerFactory.getLogger(StatusInbox.class);
    private static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param bootstrapServers Kafka brokers
     * @param groupId          consumer group shared by all payment-api instances
     * @param pollTimeout      longest a poll blocks
     * @param backoffMax       cap of the retry backoff
     * @param maxBatch         most records per poll, i.e. per database transaction
     * @param sessionTimeout   how long a dead instance keeps its partitions
     */
    public record Settings(String bootstrapServers, String groupId, Duration pollTimeout,
                           Duration backoffMax, int maxBatch, Duration sessionTimeout) {
    }

    private final Settings settings;
    private final Map<String, StatusTopic> topics = new HashMap<>();
    private final StatusApplier applier;
    private final RandomGenerator random;
    private final Map<Subject, Map<InboxOutcome, Counter>> counters = new EnumMap<>(Subject.class);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private int failures;

    /** Starts consuming {@code topics} right away on its own thread. */
    public static StatusInbox start(Settings settings, List<StatusTopic> topics, StatusApplier applier,
                                    MeterRegistry meters, RandomGenerator random) {
        StatusInbox inbox = new StatusInbox(settings, topics, applier, meters, random);
        inbox.thread.start();
        return inbox;
    }

    private StatusInbox(Settings settings, List<StatusTopic> topics, StatusApplier applier,
                        MeterRegistry meters, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        topics.forEach(topic -> this.topics.put(topic.name(), topic));
        this.applier = Objects.requireNonNull(applier, "applier");
        this.random = Objects.requireNonNull(random, "random");
        counters.put(Subject.PAYMENT, counters(meters, PAYMENT_OUTCOMES, "payment", InboxOutcome.UNKNOWN_REFUND));
        counters.put(Subject.REFUND, counters(meters, REFUND_OUTCOMES, "refund", InboxOutcome.UNKNOWN_PAYMENT));
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // payment-api provisions nothing: a missing status topic is an operator's job, not ours.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-status-inbox");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1000, settings.sessionTimeout().toMillis() / 3));
        // fetch.min.bytes stays 1 so a lone event is fetched at once; a batch never waits to fill.
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "payment-api-status-inbox");
        this.thread.setDaemon(true);
    }

    /** Whether the consumer thread is still polling: false once it stopped, by close or by a failure it could not survive. */
    public boolean isRunning() {
        return thread.isAlive() && stopping.getCount() > 0;
    }

    private void run() {
        log.info("status inbox consuming {} as group {}", topics.keySet(), settings.groupId());
        try {
            consumer.subscribe(List.copyOf(topics.keySet()));
            while (stopping.getCount() > 0) {
                ConsumerRecords<String, byte[]> records = consumer.poll(settings.pollTimeout());
                if (!records.isEmpty()) {
                    processBatch(records);
                }
            }
        } catch (WakeupException e) {
            if (stopping.getCount() > 0) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("status inbox stopped by an unexpected failure; status events are no longer applied", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            log.info("status inbox stopped");
        }
    }

    /**
     * Decodes the whole poll, applies it in one database transaction, and only then commits the
     * offsets past it. If decoding (the registry) or the database fails, nothing of the batch was
     * applied: every partition is rewound to the batch's first record and the batch comes again.
     */
    private void processBatch(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        long startNanos = System.nanoTime();
        List<StatusEvent> events = new ArrayList<>(records.count());
        Map<Subject, Integer> undecodable = new EnumMap<>(Subject.class);
        List<InboxOutcome> outcomes;
        try {
            // Partition by partition, each in offset order: a payment's events (one partition of
            // each topic, keyed by payment id) reach the applier in the order the processor wrote them.
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                    StatusEvent event = decode(record);
                    if (event == null) {
                        undecodable.merge(topics.get(record.topic()).subject(), 1, Integer::sum);
                    } else {
                        events.add(event);
                    }
                }
            }
            outcomes = applier.apply(events);
        } catch (SQLException | RuntimeException e) {
            // Not a record's fault (those are skipped as undecodable): the database, the registry
            // or a bug. Skipping would lose statuses, so the whole batch is retried until it goes through.
            retryLater(records, e);
            return;
        }
        commit(nextOffsets(records));
        failures = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            counters.get(events.get(i).subject()).get(outcomes.get(i)).increment();
        }
        undecodable.forEach((subject, count) -> counters.get(subject).get(InboxOutcome.UNDECODABLE).increment(count));
        if (log.isDebugEnabled()) {
            log.debug("applied a batch of {} status records ({} undecodable) in {} ms", records.count(), undecodable,
                    (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** The event, or null for a record that will never decode (logged); transient registry failures throw. */
    private StatusEvent decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            log.error("empty status record at {}-{}@{} skipped", record.topic(), record.partition(), record.offset());
            return null;
        }
        try {
            return topics.get(record.topic()).decoder().apply(record.value());
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isTransient(e)) {
                throw e;
            }
            log.error("undecodable status record at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
    }

    private static Map<InboxOutcome, Counter> counters(MeterRegistry meters, String name, String subject,
                                                       InboxOutcome notApplicable) {
        Map<InboxOutcome, Counter> counters = new EnumMap<>(InboxOutcome.class);
        for (InboxOutcome outcome : InboxOutcome.values()) {
            if (outcome != notApplicable) {
                counters.put(outcome, Counter.builder(name)
                        .description(subject + " status events by what became of them")
                        .tag("outcome", outcome.tag())
                        .register(meters));
            }
        }
        return counters;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            next.put(partition, new OffsetAndMetadata(records.records(partition).getLast().offset() + 1));
        }
        return next;
    }

    /** Rewinds every partition of the batch to its first record and backs off: nothing is skipped. */
    private void retryLater(ConsumerRecords<String, byte[]> records, Exception cause) throws InterruptedException {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).getFirst().offset());
        }
        failures++;
        long capMillis = Math.min(settings.backoffMax().toMillis(),
                BACKOFF_BASE.toMillis() << Math.min(failures - 1, 20));
        long delayMillis = capMillis / 2 + random.nextLong(capMillis / 2 + 1);
        log.warn("batch of {} status records from {} not applied (attempt {}), retrying in {} ms: {}", records.count(),
                records.partitions(), failures, delayMillis, cause.toString());
        stopping.await(delayMillis, TimeUnit.MILLISECONDS);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException e) {
            // The group rebalanced: the new owner gets these records again and the inbox drops them.
            log.warn("status offsets not committed after a rebalance; the inbox absorbs the redelivery: {}",
                    e.getMessage());
        }
    }

    /** Stops consuming after the record in hand, commits nothing more, and waits for the thread. */
    @Override
    public void close() {
        stopping.countDown();
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("status inbox thread still running {} after close; abandoning it", CLOSE_TIMEOUT);
        }
    }
}
