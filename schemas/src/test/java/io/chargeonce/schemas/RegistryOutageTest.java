package io.chargeonce.schemas;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process that has already seen its schemas keeps producing and consuming while the registry is
 * down; only a schema it has never seen needs the registry, and that failure is transient.
 * Uses a registry of its own, because it stops it.
 */
class RegistryOutageTest {

    @Test
    void cachedSchemasKeepWorkingWhenTheRegistryGoesAway() {
        Topics topics = Topics.defaults();
        PaymentRequested payment = SampleEvents.paymentRequested();
        byte[] before;
        try (Sandbox ownRegistry = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.REGISTRY));
             SchemaRegistryClient client = new SchemaRegistryClient(ownRegistry.registry().url())) {
            AvroSerde<PaymentRequested> serde = AvroSerde.forTopic(topics.paymentRequests(), client);
            before = serde.serialize(payment);
            assertThat(serde.deserialize(before)).isEqualTo(payment);

            ownRegistry.close();

            assertThat(serde.serialize(payment)).as("same id, same bytes, no registry").isEqualTo(before);
            assertThat(serde.deserialize(before)).isEqualTo(payment);
            assertThatThrownBy(() -> AvroSerde.forTopic(topics.paymentStatus(), client).serialize(statusChange()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("schema registry unreachable")
                    .satisfies(e -> assertThat(SchemaRegistryException.isTransient(e)).isTrue());
        }
    }

    private static PaymentStatusChanged statusChange() {
        return PaymentStatusChanged.newBuilder()
                .setEventId("e-2").setPaymentId("pay_123").setMerchantId("mer_acme")
                .setStatus(io.chargeonce.events.PaymentStatus.PENDING).setAttempt(1)
                .setOccurredAt(SampleEvents.REQUESTED_AT).build();
    }
}
