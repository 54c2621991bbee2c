package io.chargeonce.processor.inbox;

import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.processor.request.IncomingRequest;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Drops a request event whose id this task has already processed. The relay delivers at least
 * once (a crash redelivers everything since its last offset flush), so duplicates are normal.
 *
 * <p>The seen ids live in a window store written inside the EOS transaction that also forwards
 * the record: the claim and the effect commit together, so there is no check-then-act gap. The
 * store keeps ids for the retention period (in record time), which bounds its size; a duplicate
 * older than that falls through to the ledger, which ignores a payment it already has.
 */
public final class InboxProcessor<E> implements Processor<byte[], IncomingRequest<E>, byte[], IncomingRequest<E>> {
    public static final String STORE = "payment-requests-inbox";
    private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);

    private final Duration retention;
    private final ProcessorMetrics metrics;
    private ProcessorContext<byte[], IncomingRequest<E>> context;
    private WindowStore<String, Long> seen;

    public InboxProcessor(Duration retention, ProcessorMetrics metrics) {
        this.retention = retention;
        this.metrics = metrics;
    }

    /** Event id → the offset it was first seen at, for the duplicate's log line. */
    public static StoreBuilder<WindowStore<String, Long>> store(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, retention, retention, false),
                Serdes.String(), Serdes.Long());
    }

    @Override
    public void init(ProcessorContext<byte[], IncomingRequest<E>> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<byte[], IncomingRequest<E>> record) {
        IncomingRequest<E> request = record.value();
        String eventId = request.eventId();
        if (eventId == null) {
            // Nothing to dedup on; validation dead-letters it.
            context.forward(record);
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        Long firstOffset = firstSeen(eventId, at);
        if (firstOffset != null) {
            metrics.inbox(true);
            log.atInfo().addKeyValue("paymentId", paymentIdOf(record.key()))
                    .addKeyValue("eventId", eventId)
                    .addKeyValue("decision", "duplicate")
                    .log("duplicate event {} at offset {} dropped (first seen at offset {})",
                            eventId, request.origin().offset(), firstOffset);
            return;
        }
        metrics.inbox(false);
        seen.put(eventId, request.origin().offset(), record.timestamp());
        context.forward(record);
    }

    /**
     * Releases the claim on {@code eventId} taken at {@code claimedAt} (the record timestamp the
     * inbox saw). Called for an event that was dead-lettered, so never applied: written in the same
     * EOS transaction as the dead letter, it lets an operator's replay of that event through, while
     * a replay of an event that was applied still finds its claim and is dropped.
     */
    public static void release(WindowStore<String, Long> seen, String eventId, long claimedAt) {
        seen.put(eventId, null, claimedAt);
    }

    private Long firstSeen(String eventId, Instant at) {
        try (WindowStoreIterator<Long> hits = seen.fetch(eventId, notBeforeEpoch(at.minus(retention)), at.plus(retention))) {
            return hits.hasNext() ? hits.next().value : null;
        }
    }

    /** The record key, which is the payment id by contract (payment and refund requests alike). */
    private static String paymentIdOf(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    private static Instant notBeforeEpoch(Instant time) {
        return time.isBefore(Instant.EPOCH) ? Instant.EPOCH : time;
    }
}
