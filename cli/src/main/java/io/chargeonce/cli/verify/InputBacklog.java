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
 * How many records of the request topic the groups consuming it have not yet committed past. The
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
    private final String topic;

    InputBacklog(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(props);
        this.topic = topic;
    }

    /** Records no consuming group has committed past, summed over groups; all of them if no group consumed any. */
    long unprocessed() {
        Map<TopicPartition, Long> end = lastStableOffsets();
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        List<Map<TopicPartition, OffsetAndMetadata>> consumers = get(admin.listGroups().all()).stream()
                .map(this::committedOffsets)
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

    private Map<TopicPartition, Long> lastStableOffsets() {
        TopicDescription description;
        try {
            description = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(GroupListing group) {
        GroupType type = group.type().orElse(GroupType.CLASSIC);
        Map<TopicPartition, OffsetAndMetadata> offsets = switch (type) {
            case CLASSIC, CONSUMER -> get(admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata());
            case STREAMS -> get(admin.listStreamsGroupOffsets(Map.of(group.groupId(), new ListStreamsGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group.groupId()));
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

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka could not say how far the request topic was processed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not say within " + TIMEOUT_SECONDS
                    + " s how far the request topic was processed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka how far the request topic was processed", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
