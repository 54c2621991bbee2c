package io.chargeonce.relay.route;

import io.chargeonce.schemas.Topics;

import java.util.Map;
import java.util.Optional;

/**
 * Which Kafka topic each outbox {@code aggregatetype} goes to, taken from the topic catalog.
 * Debezium's EventRouter is left to name records after their aggregate type; this map turns
 * that into a catalog topic, so a prefixed catalog (tests, several installations on one broker)
 * needs no regex in the connector configuration.
 *
 * <p>An aggregate type without a route is a deployment error (a writer newer than its relay), not
 * something to skip: the relay stops on it rather than drop the event.
 */
public final class OutboxRoutes {

    private final Map<String, String> topicByAggregateType;

    private OutboxRoutes(Map<String, String> topicByAggregateType) {
        this.topicByAggregateType = Map.copyOf(topicByAggregateType);
    }

    /** The routes of chargeonce: payment events to the payment request topic, refund events to the refund request topic. */
    public static OutboxRoutes from(Topics topics) {
        return new OutboxRoutes(Map.of(
                Topics.PAYMENT_AGGREGATE, topics.paymentRequests().name(),
                Topics.REFUND_AGGREGATE, topics.refundRequests().name()));
    }

    public Optional<String> topicFor(String aggregateType) {
        return Optional.ofNullable(topicByAggregateType.get(aggregateType));
    }

    /** Every topic an event can be routed to, e.g. to check they exist. */
    public Map<String, String> all() {
        return topicByAggregateType;
    }

    @Override
    public String toString() {
        return topicByAggregateType.toString();
    }
}
