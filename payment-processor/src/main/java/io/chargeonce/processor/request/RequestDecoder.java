package io.chargeonce.processor.request;

import io.chargeonce.processor.ledger.Origin;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Decodes request values inside the topology rather than in the source's deserializer, so that a
 * record that cannot be decoded is ours to dead-letter with its origin instead of an exception
 * that stops the task. The event id comes from the {@code id} header the relay sets, falling back
 * to the payload's, so the inbox can drop a redelivered poison record too. A registry that cannot
 * be reached is not the record's fault: that fails the task (and is retried) instead.
 *
 * @param <E> the request event of the topic ({@code PaymentRequested}, {@code RefundRequested})
 */
public final class RequestDecoder<E> implements Processor<byte[], byte[], byte[], IncomingRequest<E>> {
    private static final Logger log = LoggerFactory.getLogger(RequestDecoder.class);

    private final String topic;
    private final Deserializer<E> deserializer;
    private final Function<E, String> eventIdOf;
    private ProcessorContext<byte[], IncomingRequest<E>> context;

    /** @param eventIdOf the payload's event id, the fallback when the {@code id} header is missing */
    public RequestDecoder(String topic, Deserializer<E> deserializer, Function<E, String> eventIdOf) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.eventIdOf = eventIdOf;
    }

    @Override
    public void init(ProcessorContext<byte[], IncomingRequest<E>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Origin origin = origin(record.timestamp());
        E event = null;
        RuntimeException error = null;
        try {
            event = record.value() == null ? null : deserializer.deserialize(topic, record.headers(), record.value());
            if (event == null) {
                error = new IllegalArgumentException("the record has no value (a tombstone is not a request)");
            }
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isTransient(e)) {
                // The registry is down, not the record: fail the task so EOS retries it from the
                // last commit, instead of dead-lettering every payment during a registry blip.
                throw new StreamsException("registry unavailable while decoding " + origin.topic() + "-"
                        + origin.partition() + "@" + origin.offset() + "; will retry", e);
            }
            error = e;
            log.warn("request at {}-{}@{} cannot be decoded: {}", origin.topic(), origin.partition(), origin.offset(), e.toString());
        }
        String eventId = header(record.headers(), EventHeaders.EVENT_ID);
        if (eventId == null && event != null && eventIdOf.apply(event) != null && !eventIdOf.apply(event).isBlank()) {
            eventId = eventIdOf.apply(event);
        }
        context.forward(record.withValue(new IncomingRequest<>(record.key(), record.value(), record.headers(), origin,
                event, error, eventId)));
    }

    private Origin origin(long timestamp) {
        return context.recordMetadata()
                .map((RecordMetadata m) -> new Origin(m.topic(), m.partition(), m.offset(), timestamp))
                .orElse(new Origin(topic, -1, -1, timestamp));
    }

    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        String value = new String(header.value(), StandardCharsets.UTF_8);
        return value.isBlank() ? null : value;
    }

    /**
     * The {@link EventHeaders#REPLAY_COUNT} header: how often an operator replayed this record; 0
     * when absent or unreadable, so a broken header makes a record look original (the ledger then
     * treats it as a plain duplicate) rather than stopping the task.
     */
    public static int replayCount(Headers headers) {
        String value = header(headers, EventHeaders.REPLAY_COUNT);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
