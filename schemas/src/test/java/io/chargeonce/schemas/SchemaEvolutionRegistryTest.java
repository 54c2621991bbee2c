package io.chargeonce.schemas;

import io.chargeonce.events.PaymentRequested;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two versions of one event on one topic, through the real registry: readers on either version read
 * records of both, and the registry refuses a version that would break readers.
 */
class SchemaEvolutionRegistryTest {

    private final Topics topics = Topics.withPrefix("evolution-" + UUID.randomUUID());
    private final Topic<PaymentRequested> v1Topic = topics.paymentRequests();
    private final Topic<io.chargeonce.schemas.evolution.PaymentRequested> v2Topic = new Topic<>(v1Topic.name(),
            io.chargeonce.schemas.evolution.PaymentRequested.class, "v2: adds an optional statementDescriptor");
    private final Topic<io.chargeonce.schemas.incompatible.PaymentRequested> brokenTopic = new Topic<>(v1Topic.name(),
            io.chargeonce.schemas.incompatible.PaymentRequested.class, "broken: amountMinor became a string");
    private final String subject = v1Topic.valueSubject();
    private final SchemaRegistryClient writerRegistry = TestRegistry.freshClient();
    private final SchemaRegistryClient readerRegistry = TestRegistry.freshClient();

    @AfterEach
    void close() {
        writerRegistry.close();
        readerRegistry.close();
    }

    @Test
    void v1AndV2ReadEachOthersRecordsUnderOneBackwardSubject() {
        AvroSerde<PaymentRequested> v1Writer = AvroSerde.forTopic(v1Topic, writerRegistry);
        AvroSerde<io.chargeonce.schemas.evolution.PaymentRequested> v2Writer = AvroSerde.forTopic(v2Topic, writerRegistry);
        PaymentRequested v1Payment = SampleEvents.paymentRequested();
        var v2Payment = v2Of(v1Payment, "ACME*ORDER42");

        byte[] v1Bytes = v1Writer.serialize(v1Payment);
        // v2 must pass the registry's BACKWARD check against v1 to be registered at all
        writerRegistry.setCompatibility(subject, Compatibility.BACKWARD);
        byte[] v2Bytes = v2Writer.serialize(v2Payment);

        assertThat(v2Writer.schemaId()).as("v2 is a new version with its own id").isNotEqualTo(v1Writer.schemaId());
        // readers with empty caches: each fetches the other version's writer schema by id
        PaymentRequested v1ReadsV2 = AvroSerde.forTopic(v1Topic, readerRegistry).deserialize(v2Bytes);
        var v2ReadsV1 = AvroSerde.forTopic(v2Topic, readerRegistry).deserialize(v1Bytes);

        assertThat(v1ReadsV2).as("v1 reader skips the field it does not know").isEqualTo(v1Payment);
        assertThat(v2ReadsV1).as("v2 reader fills the new field with its default").isEqualTo(v2Of(v1Payment, null));
    }

    @Test
    void registryRejectsAnIncompatibleSchemaUnderABackwardSubject() {
        writerRegistry.register(subject, PaymentRequested.getClassSchema());
        writerRegistry.setCompatibility(subject, Compatibility.BACKWARD);

        assertThatThrownBy(() -> writerRegistry.register(subject, io.chargeonce.schemas.incompatible.PaymentRequested.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.subject()).isEqualTo(subject);
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining("refused to register schema io.chargeonce.schemas.incompatible.PaymentRequested"
                        + " under subject '" + subject + "': HTTP 409 from POST " + TestRegistry.url() + "/subjects/")
                .hasMessageContaining("incompatible with the subject's earlier versions");
    }

    @Test
    void serdeOfAnIncompatibleVersionCanNeitherWriteNorReadTheTopic() {
        byte[] v1Bytes = AvroSerde.forTopic(v1Topic, writerRegistry).serialize(SampleEvents.paymentRequested());
        writerRegistry.setCompatibility(subject, Compatibility.BACKWARD);
        AvroSerde<io.chargeonce.schemas.incompatible.PaymentRequested> broken = AvroSerde.forTopic(brokenTopic, readerRegistry);

        assertThatThrownBy(() -> broken.serialize(io.chargeonce.schemas.incompatible.PaymentRequested.newBuilder()
                .setEventId("e").setPaymentId("p").setMerchantId("m").setOrderId("o").setCustomerId("c")
                .setAmountMinor("19.99").setCurrency("USD").setRequestedAt(SampleEvents.REQUESTED_AT).build()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot write PaymentRequested to topic " + v1Topic.name() + " without its schema id")
                .hasMessageContaining("HTTP 409");
        assertThatThrownBy(() -> broken.deserialize(v1Bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read")
                .hasMessageContaining("TYPE_MISMATCH at amountMinor")
                .hasMessageContaining("upgrade this reader or fix the writer");
    }

    private static io.chargeonce.schemas.evolution.PaymentRequested v2Of(PaymentRequested v1, String statementDescriptor) {
        return io.chargeonce.schemas.evolution.PaymentRequested.newBuilder()
                .setEventId(v1.getEventId()).setPaymentId(v1.getPaymentId()).setMerchantId(v1.getMerchantId())
                .setOrderId(v1.getOrderId()).setCustomerId(v1.getCustomerId()).setAmountMinor(v1.getAmountMinor())
                .setCurrency(v1.getCurrency()).setRequestedAt(v1.getRequestedAt())
                .setStatementDescriptor(statementDescriptor)
                .build();
    }
}
