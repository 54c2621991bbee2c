package io.chargeonce.processor.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a topic from the beginning with a chosen isolation level, accumulating across polls, so a
 * test can wait (with Awaitility) until what it has read satisfies an assertion. No consumer
 * group: it assigns every partition and never commits.
 */
public final class TopicReader<V> implements AutoCloseable {
    private final KafkaConsumer<byte[], V> consumer;
    private final List<ConsumerRecord<byte[], V>> records = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic, Deserializer<V> values, String isolationLevel) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public static <V> TopicReader<V> committed(String bootstrapServers, String topic, Deserializer<V> values) {
        return new TopicReader<>(bootstrapServers, topic, values, "read_committed");
    }

    /** Everything read so far, after one more poll. */
    public List<ConsumerRecord<byte[], V>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
