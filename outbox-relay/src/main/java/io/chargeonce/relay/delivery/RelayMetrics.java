package io.chargeonce.relay.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the relay reports about itself:
 * <ul>
 *   <li>{@value #RELAYED}: events Kafka acknowledged, per topic (redeliveries after a crash count
 *       again);</li>
 *   <li>{@value #COMMIT_TO_ACK}: from the outbox row's transaction commit in Postgres to Kafka's
 *       acknowledgement, the end-to-end delay the relay adds (percentiles and histogram
 *       published);</li>
 *   <li>{@value #FAILED_BATCHES}: batches Kafka did not acknowledge (each stops the relay).</li>
 * </ul>
 */
public final class RelayMetrics {

    public static final String RELAYED = "chargeonce.relay.events";
    public static final String COMMIT_TO_ACK = "chargeonce.relay.commit.to.ack";
    public static final String FAILED_BATCHES = "chargeonce.relay.failed.batches";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer commitToAck;
    private final Counter failedBatches;
    private final Map<String, Counter> relayedByTopic = new ConcurrentHashMap<>();
    private final AtomicLong relayed = new AtomicLong();

    /** @param tags identify this relay among others in one registry, e.g. its slot */
    public RelayMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.commitToAck = Timer.builder(COMMIT_TO_ACK)
                .description("outbox row commit in Postgres to Kafka acknowledgement")
                .tags(tags)
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        this.failedBatches = Counter.builder(FAILED_BATCHES)
                .description("batches Kafka did not acknowledge; the relay stops on each")
                .tags(tags)
                .register(registry);
    }

    void relayed(String topic, Duration commitToAckDelay) {
        relayedByTopic.computeIfAbsent(topic, t -> Counter.builder(RELAYED)
                        .description("outbox events acknowledged by Kafka")
                        .tags(tags.and("topic", t))
                        .register(registry))
                .increment();
        relayed.incrementAndGet();
        if (commitToAckDelay != null) {
            // Clocks of Postgres and the relay may disagree a little; a negative delay says
            // nothing useful about the relay, so it is recorded as zero rather than dropped.
            commitToAck.record(commitToAckDelay.isNegative() ? Duration.ZERO : commitToAckDelay);
        }
    }

    void failedBatch() {
        failedBatches.increment();
    }

    /** Events acknowledged by Kafka since this relay started. */
    public long relayedCount() {
        return relayed.get();
    }

    /** The commit-to-acknowledgement timer, e.g. for a benchmark to print its percentiles. */
    public Timer commitToAck() {
        return commitToAck;
    }
}
