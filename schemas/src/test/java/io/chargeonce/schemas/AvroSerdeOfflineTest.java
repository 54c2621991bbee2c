package io.chargeonce.schemas;

import io.chargeonce.events.PaymentRequested;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the serde decides without a working registry: tombstones, framing errors, and how an
 * unreachable registry is reported. The registry URL points at a port nobody listens on, so any
 * accidental registry call would fail these tests.
 */
class AvroSerdeOfflineTest {

    private final Topics topics = Topics.withPrefix("offline");
    private String deadRegistryUrl;
    private SchemaRegistryClient registry;
    private AvroSerde<PaymentRequested> serde;

    @BeforeEach
    void pointAtARegistryThatIsNotThere() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        deadRegistryUrl = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        registry = new SchemaRegistryClient(deadRegistryUrl,
                new RegistryClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        serde = AvroSerde.forTopic(topics.paymentRequests(), registry);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serde.serialize(null)).isNull();
        assertThat(serde.deserialize(null)).isNull();
    }

    @Test
    void garbageBytesAreNotMistakenForARecord() {
        byte[] garbage = new byte[64];
        new SplittableRandom(7).nextBytes(garbage);
        garbage[0] = (byte) 0x93;

        assertThatThrownBy(() -> serde.deserialize(garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("record on topic offline.payment-requests.v1 is not in Confluent wire format")
                .hasMessageContaining("first byte 0x93, expected 0x00");
    }

    @Test
    void emptyValueIsNotATombstone() {
        assertThatThrownBy(() -> serde.deserialize(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is 0 bytes")
                .hasMessageContaining("an empty value is not a tombstone, null is");
    }

    @Test
    void unreachableRegistryOnReadIsReportedAsTransientWithItsUrl() {
        byte[] framed = {0, 0, 0, 0, 1, 0x02};

        assertThatThrownBy(() -> serde.deserialize(framed))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("without its writer schema id 1")
                .hasMessageContaining("schema registry unreachable at GET " + deadRegistryUrl + "/schemas/ids/1")
                .satisfies(e -> assertThat(SchemaRegistryException.isTransient(e)).isTrue());
    }

    @Test
    void unreachableRegistryOnWriteIsReportedAsTransientWithSubject() {
        assertThatThrownBy(() -> serde.serialize(SampleEvents.paymentRequested()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("under subject 'offline.payment-requests.v1-value'")
                .hasMessageContaining(deadRegistryUrl)
                .satisfies(e -> assertThat(SchemaRegistryException.isTransient(e)).isTrue());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aValueOfAnotherTypeIsRefusedBeforeTheRegistryIsAsked() {
        AvroSerde raw = serde;
        var wrong = io.chargeonce.events.PaymentFailed.newBuilder()
                .setEventId("e").setPaymentId("p").setMerchantId("m").setOrderId("o").setAmountMinor(1)
                .setCurrency("USD").setReasonCode("card_declined").setReason("declined").setAttempts(1)
                .setFailedAt(SampleEvents.REQUESTED_AT).build();

        assertThatThrownBy(() -> raw.serialize(wrong))
                .isInstanceOf(SerializationException.class)
                .hasMessage("topic offline.payment-requests.v1 carries io.chargeonce.events.PaymentRequested values,"
                        + " got a io.chargeonce.events.PaymentFailed");
    }
}
