package io.chargeonce.api.inbox;

import io.chargeonce.api.history.Subject;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.Topic;

import java.util.function.Function;

/**
 * One topic the status inbox consumes and how its records become {@link StatusEvent}s: the
 * payment status topic and the refund status topic share one consumer, one poll and one database
 * transaction per poll, and dispatch by topic.
 */
public record StatusTopic(String name, Subject subject, Function<byte[], StatusEvent> decoder) {

    public static StatusTopic payments(Topic<PaymentStatusChanged> topic, AvroSerde<PaymentStatusChanged> serde) {
        return new StatusTopic(topic.name(), Subject.PAYMENT, bytes -> StatusEvent.of(serde.deserialize(bytes)));
    }

    public static StatusTopic refunds(Topic<RefundStatusChanged> topic, AvroSerde<RefundStatusChanged> serde) {
        return new StatusTopic(topic.name(), Subject.REFUND, bytes -> StatusEvent.of(serde.deserialize(bytes)));
    }
}
