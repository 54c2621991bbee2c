package io.chargeonce.cli.verify;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

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
        return snapshots(List.of(topic), isolation).get(topic);
    }

    /**
     * Several topics through one consumer: a verifier reads a dozen topics, and a consumer per topic
     * would spend most of its time connecting. Every topic asked for is in the answer, empty if absent.
     */
    public Map<String, Snapshot> snapshots(Collection<String> topics, Isolation isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // reading to a known end: a broker that waits for more data (500 ms by default) only slows the last fetch
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (partitions != null) {
                    partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(10));
            Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
            topics.forEach(topic -> records.put(topic, new ArrayList<>()));
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + String.join(", ", topics) + " to the end within "
                            + READ_DEADLINE.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // a poll may return records past the end offsets taken at the start: leave them to the next read
                    if (record.offset() < end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                        records.get(record.topic()).add(record);
                    }
                }
            }
            Map<String, Snapshot> snapshots = new LinkedHashMap<>();
            records.forEach((topic, read) -> snapshots.put(topic, new Snapshot(read, end.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))));
            return snapshots;
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer: " + e.getMessage(), e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
