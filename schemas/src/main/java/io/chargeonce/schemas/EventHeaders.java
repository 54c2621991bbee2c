package io.chargeonce.schemas;

/**
 * Kafka header names chargeonce events carry. {@link #EVENT_ID} is the outbox row id that
 * Debezium's EventRouter puts in the {@code id} header; the processor's inbox dedups on it.
 */
public final class EventHeaders {
    /** The outbox event id (uuid text). */
    public static final String EVENT_ID = "id";
    /** The outbox {@code type} column, e.g. {@code PaymentRequested}. */
    public static final String EVENT_TYPE = "eventType";
    /** W3C trace context written with the outbox row. */
    public static final String TRACEPARENT = "traceparent";
    /**
     * How many times an operator re-published this record from a dead-letter topic (decimal text,
     * absent = never). The processor treats a count above zero as an operator's replay; the replay
     * tool's loop guard parks a record whose count reached its limit instead of cycling it.
     */
    public static final String REPLAY_COUNT = "chargeonce.replay.count";

    private EventHeaders() {
    }
}
