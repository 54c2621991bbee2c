package io.chargeonce.cli.verify;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a whole topic as it stands now, without joining a group. With {@code read_committed} it
 * stops at the last stable offset, so it sees exactly what downstream consumers see; with
 * {@code read_uncommitted} it also sees records of aborted transactions. It never creates a topic:
 * a wrong prefix reads as empty instead of littering the broker.
 */
public final class TopicReader {

    public enum Isolation { READ_COMMITTED, READ_UNCOMMITTED }

    /**
     * A topic read to the end offsets it had when the read began (for {@code read_committed}, the
     * last stable offsets), in offset order per partition.
     */
    public record Snapshot(List<ConsumerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> endOffsets) {
        public Snapshot {
            records = List.copyOf(records);
            endOffsets = Map.copyOf(endOffsets);
        }

        /** The end offset this read stopped at on {@code partition}; 0 for a partition it did not see. */
        public long endOffset(int partition) {
            return endOffsets.entrySet().stream().filter(e -> e.getKey().partition() == partition)
                    .mapToLong(Map.Entry::getValue).findFirst().orElse(0L);
        }
    }

    /** How long one topic may take to read to its end; a broker that cannot serve it by then is reported. */
    private static final Duration READ_DEADLINE = Duration.ofSeconds(60);

    private final String bootstrapServers;

    public TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Isolation isolation) {
        return snapshot(topic, isolation).records();
    }

    public Snapshot snapshot(String topic, Isolation isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return new Snapshot(List.of(), Map.of());
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(10));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within "
                            + READ_DEADLINE.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // a poll may return records past the end offsets taken at the start: leave them to the next read
            records.removeIf(r -> r.offset() >= end.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L));
            return new Snapshot(records, end);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
