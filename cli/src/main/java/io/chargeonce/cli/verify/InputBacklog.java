package io.chargeonce.cli.verify;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * How many records of an input topic (payment or refund requests) the groups consuming it have not
 * yet committed past. The
 * processor commits its input offsets in the same transaction as its outputs, so zero means every
 * request (poison included) has its status, result or dead letter visible to {@code read_committed}
 * readers; payments still PENDING in the API do not say that about a poison record, which has none.
 *
 * <p>Every group with committed offsets on the topic counts: a stopped processor keeps the backlog
 * open, and so would a forgotten group that once read the topic (none does in a chargeonce stack).
 */
final class InputBacklog implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;

    InputBacklog(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(props);
    }

    /**
     * Records of {@code topic} no consuming group has committed past, summed over groups; all of them
     * if no group consumed any; none if the topic does not exist (a system that predates it).
     */
    long unprocessed(String topic) {
        Map<TopicPartition, Long> end = lastStableOffsets(topic);
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        List<Map<TopicPartition, OffsetAndMetadata>> consumers = get(admin.listGroups().all(), topic).stream()
                .map(group -> committedOffsets(group, topic))
                .filter(offsets -> offsets.keySet().stream().anyMatch(tp -> tp.topic().equals(topic)))
                .toList();
        if (consumers.isEmpty()) {
            return total;
        }
        return consumers.stream().mapToLong(committed -> end.entrySet().stream().mapToLong(e -> {
            OffsetAndMetadata offset = committed.get(e.getKey());
            return Math.max(0, e.getValue() - (offset == null ? 0 : offset.offset()));
        }).sum()).sum();
    }

    private Map<TopicPartition, Long> lastStableOffsets(String topic) {
        TopicDescription description;
        try {
            description = get(admin.describeTopics(List.of(topic)).allTopicNames(), topic).get(topic);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(), topic)
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(GroupListing group, String topic) {
        GroupType type = group.type().orElse(GroupType.CLASSIC);
        Map<TopicPartition, OffsetAndMetadata> offsets = switch (type) {
            case CLASSIC, CONSUMER -> get(admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata(), topic);
            case STREAMS -> get(admin.listStreamsGroupOffsets(Map.of(group.groupId(), new ListStreamsGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group.groupId()), topic);
            default -> Map.of();
        };
        // a partition without a committed offset comes back as a null value
        Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset != null) {
                present.put(tp, offset);
            }
        });
        return present;
    }

    private static <T> T get(KafkaFuture<T> future, String topic) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka could not say how far " + topic + " was processed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not say within " + TIMEOUT_SECONDS
                    + " s how far " + topic + " was processed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka how far " + topic + " was processed", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
