package io.chargeonce.relay.capture;

/**
 * Column names of the outbox table written by outbox-writer (Debezium's EventRouter defaults,
 * spelled out so a rename on either side shows up here).
 */
public final class OutboxColumns {
    public static final String ID = "id";
    public static final String AGGREGATE_TYPE = "aggregatetype";
    public static final String AGGREGATE_ID = "aggregateid";
    public static final String TYPE = "type";
    public static final String PAYLOAD = "payload";
    public static final String TRACEPARENT = "traceparent";

    private OutboxColumns() {
    }
}
