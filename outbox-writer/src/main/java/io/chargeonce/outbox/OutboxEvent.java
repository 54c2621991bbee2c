package io.chargeonce.outbox;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to publish through the outbox: a row of the {@code outbox} table. The relay routes it
 * by {@code aggregateType} and keys the Kafka record by {@code aggregateId}; {@code id} travels as
 * the event id header, so consumers can drop a redelivered copy.
 *
 * <p>The payload is opaque here (for chargeonce: Confluent-framed Avro) and is never logged or
 * printed; {@link #toString()} shows ids and sizes only.
 *
 * @param id            unique event id; the consumer-side inbox dedups on it
 * @param aggregateType routes the event to a topic, e.g. {@code payment}
 * @param aggregateId   the Kafka record key, e.g. the payment id
 * @param type          the event type, e.g. {@code PaymentRequested}
 * @param payload       serialized event value (copied on the way in and out)
 * @param traceparent   W3C trace context to carry along, or {@code null}
 */
public record OutboxEvent(UUID id, String aggregateType, String aggregateId, String type, byte[] payload,
                          String traceparent) {

    public OutboxEvent {
        Objects.requireNonNull(id, "outbox event id");
        requireText(aggregateType, "aggregateType");
        requireText(aggregateId, "aggregateId");
        requireText(type, "type");
        Objects.requireNonNull(payload, "outbox event payload");
        payload = payload.clone();
        if (traceparent != null && traceparent.isBlank()) {
            traceparent = null;
        }
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboxEvent that
                && id.equals(that.id)
                && aggregateType.equals(that.aggregateType)
                && aggregateId.equals(that.aggregateId)
                && type.equals(that.type)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(traceparent, that.traceparent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, aggregateType, aggregateId, type, Arrays.hashCode(payload), traceparent);
    }

    @Override
    public String toString() {
        return "OutboxEvent[id=" + id + ", aggregateType=" + aggregateType + ", aggregateId=" + aggregateId
                + ", type=" + type + ", payload=" + payload.length + " bytes]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("outbox event " + name + " must not be blank");
        }
    }
}
