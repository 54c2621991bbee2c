package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The value serdes of every topic the processor reads or writes, each bound to its topic's subject. */
public record EventSerdes(
        AvroSerde<PaymentRequested> requests,
        AvroSerde<PaymentStatusChanged> status,
        AvroSerde<PaymentConfirmed> confirmed,
        AvroSerde<PaymentFailed> failed,
        AvroSerde<RefundRequested> refundRequests,
        AvroSerde<RefundStatusChanged> refundStatus,
        AvroSerde<RefundSettled> refundResults,
        Map<FailureClass, AvroSerde<DeadLetter>> deadLetters) {

    public EventSerdes {
        deadLetters = Collections.unmodifiableMap(new EnumMap<>(deadLetters));
    }

    public static EventSerdes avro(Topics topics, SchemaRegistryClient registry) {
        Map<FailureClass, AvroSerde<DeadLetter>> deadLetters = new EnumMap<>(FailureClass.class);
        for (FailureClass failure : FailureClass.values()) {
            deadLetters.put(failure, AvroSerde.forTopic(topics.deadLetter(failure), registry));
        }
        return new EventSerdes(
                AvroSerde.forTopic(topics.paymentRequests(), registry),
                AvroSerde.forTopic(topics.paymentStatus(), registry),
                AvroSerde.forTopic(topics.paymentConfirmed(), registry),
                AvroSerde.forTopic(topics.paymentFailed(), registry),
                AvroSerde.forTopic(topics.refundRequests(), registry),
                AvroSerde.forTopic(topics.refundStatus(), registry),
                AvroSerde.forTopic(topics.refundResults(), registry),
                deadLetters);
    }

    public AvroSerde<DeadLetter> deadLetter(FailureClass failure) {
        return deadLetters.get(failure);
    }

    /** Registers every output schema now, so a missing or incompatible registry fails start-up, not a payment. */
    public void registerAll() {
        requests.schemaId();
        status.schemaId();
        confirmed.schemaId();
        failed.schemaId();
        refundRequests.schemaId();
        refundStatus.schemaId();
        refundResults.schemaId();
        deadLetters.values().forEach(AvroSerde::schemaId);
    }
}
