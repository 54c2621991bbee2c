package io.chargeonce.relay.delivery;

import io.chargeonce.relay.slot.Lsn;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One outbox row as the EventRouter hands it over, with what the relay needs to send and to
 * measure it. The payload is kept as the exact bytes of the {@code payload} column and never
 * logged ({@link #toString()} shows ids only).
 *
 * @param eventId       outbox row id, sent as header {@code id}
 * @param aggregateType routing value (the EventRouter's record topic)
 * @param key           aggregate id, the Kafka key
 * @param eventType     outbox {@code type}, sent as header {@code eventType}
 * @param traceparent   trace context, sent as header {@code traceparent} when present
 * @param payload       the value bytes, untouched
 * @param commitTime    when the row's transaction committed (the source offset's {@code ts_usec}),
 *                      if Debezium reported it
 * @param lsn           WAL position of the row, if reported
 */
record RoutedEvent(String eventId, String aggregateType, String key, String eventType,
                   Optional<String> traceparent, byte[] payload, Optional<Instant> commitTime, OptionalLong lsn) {

    /** Debezium's Postgres offset keys. */
    static final String OFFSET_COMMIT_MICROS = "ts_usec";
    static final String OFFSET_LSN = "lsn";

    /**
     * Reads a record produced by the EventRouter.
     *
     * @throws MalformedEventException if the record is not an outbox event (no id, key or payload)
     */
    static RoutedEvent from(SourceRecord record) {
        String eventId = header(record, EventHeaders.EVENT_ID)
                .orElseThrow(() -> new MalformedEventException(record, "has no '" + EventHeaders.EVENT_ID
                        + "' header; is it an outbox row routed by the EventRouter?"));
        if (!(record.key() instanceof String key) || key.isEmpty()) {
            throw new MalformedEventException(record, "event " + eventId + " has no aggregate id to key it by");
        }
        byte[] payload = bytes(record.value());
        if (payload == null) {
            throw new MalformedEventException(record, "event " + eventId + " has no payload bytes");
        }
        String eventType = header(record, EventHeaders.EVENT_TYPE)
                .orElseThrow(() -> new MalformedEventException(record, "event " + eventId + " has no type"));
        Map<String, ?> offset = record.sourceOffset();
        return new RoutedEvent(eventId, record.topic(), key, eventType, header(record, EventHeaders.TRACEPARENT),
                payload, commitTime(offset), lsn(offset));
    }

    /** The Kafka record: key and value as they came, the three chargeonce headers as UTF-8. */
    ProducerRecord<String, byte[]> toProducerRecord(String topic) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        headers.add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
        traceparent.ifPresent(trace -> headers.add(EventHeaders.TRACEPARENT, trace.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, key, payload, headers);
    }

    @Override
    public String toString() {
        return "RoutedEvent[id=" + eventId + ", " + aggregateType + " " + key + ", type=" + eventType
                + ", payload=" + payload.length + " bytes, lsn=" + lsn.stream().mapToObj(Lsn::format).findFirst().orElse("?")
                + "]";
    }

    private static Optional<String> header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        // uuid and text columns both arrive as strings (io.debezium.data.Uuid is a STRING schema).
        String value = header.value().toString();
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] array = new byte[view.remaining()];
            view.get(array);
            return array;
        }
        return null;
    }

    private static Optional<Instant> commitTime(Map<String, ?> offset) {
        if (offset != null && offset.get(OFFSET_COMMIT_MICROS) instanceof Number micros) {
            long value = micros.longValue();
            return Optional.of(Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L),
                    Math.floorMod(value, 1_000_000L) * 1_000L));
        }
        return Optional.empty();
    }

    private static OptionalLong lsn(Map<String, ?> offset) {
        if (offset != null && offset.get(OFFSET_LSN) instanceof Number lsn) {
            return OptionalLong.of(lsn.longValue());
        }
        return OptionalLong.empty();
    }
}
