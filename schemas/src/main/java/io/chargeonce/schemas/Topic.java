package io.chargeonce.schemas;

import org.apache.avro.specific.SpecificRecord;

/**
 * One Kafka topic of chargeonce: its name, the Avro type of its values and what it carries.
 * Keys are always the payment id as a UTF-8 string, so a payment's events stay in one partition
 * and in order.
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, String purpose) {

    public Topic {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a topic needs a name");
        }
    }

    /** Subject under which the value schema is registered (Confluent TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }
}
