package io.chargeonce.relay.delivery;

import io.chargeonce.relay.route.OutboxRoutes;
import io.chargeonce.relay.slot.Lsn;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends each batch the Debezium engine hands over to Kafka, and marks it processed only once
 * Kafka acknowledged every record of it. Offsets (and the slot's confirmed position) therefore
 * never move past an event Kafka does not have: a crash or a failed send means the batch is read
 * again from the WAL after restart. Duplicates are possible, loss is not; the consumer's inbox
 * drops duplicates by the {@code id} header.
 *
 * <p>Order: the engine calls this from one thread, batch after batch; records are sent in WAL
 * order through an idempotent producer, which keeps per-partition order across retries, and the
 * key (aggregate id) picks the partition. So each payment's events stay in commit order.
 *
 * <p>A failed batch is not skipped: this throws, which stops the engine, and the relay reports the
 * failure. Every record of the batch that Kafka did acknowledge will be sent again on restart.
 */
public final class BatchDelivery implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger log = LoggerFactory.getLogger(BatchDelivery.class);

    private final Producer<String, byte[]> producer;
    private final OutboxRoutes routes;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final Duration ackTimeout;
    private volatile OptionalLong lastAckedLsn = OptionalLong.empty();

    /**
     * @param producer   an idempotent, acks=all producer; closed by the caller
     * @param ackTimeout upper bound on waiting for an acknowledgement after the producer's own
     *                   delivery timeout should have settled it
     */
    public BatchDelivery(Producer<String, byte[]> producer, OutboxRoutes routes, RelayMetrics metrics, Clock clock,
                         Duration ackTimeout) {
        this.producer = producer;
        this.routes = routes;
        this.metrics = metrics;
        this.clock = clock;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        long startNanos = System.nanoTime();
        List<InFlight> inFlight = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> change : batch) {
            inFlight.add(send(change));
        }
        flush(inFlight.size());

        for (InFlight sent : inFlight) {
            awaitAck(sent, inFlight.size());
        }
        // Everything is in Kafka: only now may the offsets move past these events.
        for (InFlight sent : inFlight) {
            committer.markProcessed(sent.change());
            metrics.relayed(sent.topic(), sent.event().commitTime()
                    .map(committed -> Duration.between(committed, sent.ackedAt().join()))
                    .orElse(null));
        }
        committer.markBatchFinished();
        if (!inFlight.isEmpty()) {
            InFlight last = inFlight.getLast();
            lastAckedLsn = last.event().lsn();
            log.debug("relayed batch of {} events in {} µs, last {} at LSN {}", inFlight.size(),
                    (System.nanoTime() - startNanos) / 1_000, last.event().eventId(),
                    lastAckedLsn.stream().mapToObj(Lsn::format).findFirst().orElse("?"));
        }
    }

    /** WAL position of the last event Kafka acknowledged and the relay marked, if any yet. */
    public OptionalLong lastAckedLsn() {
        return lastAckedLsn;
    }

    private InFlight send(RecordChangeEvent<SourceRecord> change) {
        RoutedEvent event = RoutedEvent.from(change.record());
        String topic = routes.topicFor(event.aggregateType()).orElseThrow(() -> new MalformedEventException(
                change.record(), "event " + event.eventId() + " has aggregate type '" + event.aggregateType()
                        + "' with no route; known: " + routes.all().keySet()
                        + ". Deploy a relay that knows it; the event stays in the WAL until then"));
        CompletableFuture<Instant> ackedAt = new CompletableFuture<>();
        try {
            producer.send(event.toProducerRecord(topic), (metadata, error) -> {
                if (error == null) {
                    ackedAt.complete(clock.instant());
                } else {
                    ackedAt.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // Kafka reports most failures through the callback; what it throws here (closed
            // producer, interrupted metadata wait) fails this event the same way.
            ackedAt.completeExceptionally(e);
        }
        return new InFlight(change, event, topic, ackedAt);
    }

    private void flush(int batchSize) throws InterruptedException {
        try {
            producer.flush();
        } catch (InterruptException e) {
            // The engine is shutting down mid-batch: nothing gets marked, the batch comes again.
            log.info("interrupted while Kafka acknowledged a batch of {} events; it will be sent again after restart",
                    batchSize);
            throw new InterruptedException("interrupted while flushing a batch of " + batchSize + " events");
        }
    }

    private void awaitAck(InFlight sent, int batchSize) throws InterruptedException {
        try {
            sent.ackedAt().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            metrics.failedBatch();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.error("Kafka did not acknowledge event {} ({} {}) on {}: {}; none of the batch of {} is marked, "
                            + "the relay stops and a restart sends the batch again", sent.event().eventId(),
                    sent.event().aggregateType(), sent.event().key(), sent.topic(), cause.toString(), batchSize);
            throw new DeliveryFailedException("Kafka did not acknowledge outbox event " + sent.event().eventId()
                    + " on " + sent.topic() + "; batch of " + batchSize + " not marked processed", cause);
        }
    }

    private record InFlight(RecordChangeEvent<SourceRecord> change, RoutedEvent event, String topic,
                            CompletableFuture<Instant> ackedAt) {
    }
}
