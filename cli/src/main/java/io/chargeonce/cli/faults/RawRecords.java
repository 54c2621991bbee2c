package io.chargeonce.cli.faults;

import io.chargeonce.cli.verify.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/** Byte-level access to topics for injectors: read what is there, write copies and poison. */
final class RawRecords implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;

    RawRecords(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return new TopicReader(bootstrapServers).readAll(topic, TopicReader.Isolation.READ_COMMITTED);
    }

    void send(String topic, byte[] key, byte[] value, Headers headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
