package io.chargeonce.cli.deadletter;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Before a replay writes anything, asks the broker whether this tool's login may write every topic
 * the run will write to. The audit record is written last (so it never claims a replay that did not
 * happen); without this check a login missing Write on the audit or parking topic would re-publish
 * records and then fail, leaving replays nobody can account for. A broker without an authorizer
 * answers "everything", so this costs one metadata round trip there.
 */
final class WriteAccess {
    private static final Logger log = LoggerFactory.getLogger(WriteAccess.class);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private WriteAccess() {
    }

    /** Throws, naming the topics and the missing Write, unless every one of {@code topics} may be written. */
    static void require(DltSettings settings, Collection<String> topics) throws InterruptedException {
        Set<String> refused = new TreeSet<>();
        try (Admin admin = Admin.create(settings.client("preflight"))) {
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(Set.copyOf(topics),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
                try {
                    Set<AclOperation> allowed = allowed(topic.getValue(), topic.getKey());
                    if (allowed != null && !allowed.contains(AclOperation.WRITE) && !allowed.contains(AclOperation.ALL)) {
                        refused.add(topic.getKey());
                    }
                } catch (TopicAuthorizationException notEvenDescribe) {
                    refused.add(topic.getKey());
                }
            }
        }
        if (!refused.isEmpty()) {
            throw settings.denied("Write", new TopicAuthorizationException(refused));
        }
    }

    /** What the login may do on the topic; null when the broker did not say (the writes will tell). */
    private static Set<AclOperation> allowed(KafkaFuture<TopicDescription> description, String topic)
            throws InterruptedException {
        try {
            return description.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException denied) {
                throw denied;
            }
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot check write access to " + topic + ": " + e.getCause(), e.getCause());
            }
            log.info("topic {} does not exist yet; the replay's write will create it or fail", topic);
            return null;
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot check write access to " + topic + " within " + DEADLINE, e);
        }
    }
}
