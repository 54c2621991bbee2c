package io.chargeonce.cli.deadletter;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.ReplayAudit;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads dead-letter, parking and audit topics whole, as they stand now, {@code read_committed}
 * (what the processor committed), without joining a consumer group: looking at dead letters
 * changes nothing. A topic that does not exist reads as empty.
 */
final class DeadLetterReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterReader.class);
    private static final Duration READ_DEADLINE = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SchemaRegistryClient registry;
    private final DltSettings settings;

    DeadLetterReader(DltSettings settings, SchemaRegistryClient registry) {
        Properties props = settings.client("reader");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.registry = registry;
        this.settings = settings;
    }

    List<DeadLetterRecord> deadLetters(Topic<DeadLetter> topic) {
        AvroSerde<DeadLetter> serde = AvroSerde.forTopic(topic, registry);
        List<DeadLetterRecord> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(topic.name())) {
            DeadLetter letter = null;
            try {
                letter = serde.deserialize(record.value());
            } catch (RuntimeException e) {
                log.warn("dead letter {}-{}@{} cannot be decoded: {}", record.topic(), record.partition(), record.offset(), e.toString());
            }
            records.add(new DeadLetterRecord(record.topic(), record.partition(), record.offset(),
                    Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(), record.headers(), letter));
        }
        return records;
    }

    List<ReplayAudit> audits(Topic<ReplayAudit> topic) {
        AvroSerde<ReplayAudit> serde = AvroSerde.forTopic(topic, registry);
        List<ReplayAudit> audits = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(topic.name())) {
            audits.add(serde.deserialize(record.value()));
        }
        return audits;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try {
            return readToEnd(topic);
        } catch (TopicAuthorizationException e) {
            consumer.unsubscribe();
            throw settings.denied("Read", e);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_DEADLINE);
        if (partitions == null || partitions.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, READ_DEADLINE);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
        while (assigned.stream().anyMatch(tp -> consumer.position(tp, READ_DEADLINE) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + READ_DEADLINE);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        consumer.unsubscribe();
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
