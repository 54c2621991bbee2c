package io.chargeonce.schemas;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serde against a real registry: exact bytes on the wire, and records that lie about themselves. */
class AvroSerdeRegistryTest {

    private final Topics topics = Topics.withPrefix("serde-" + UUID.randomUUID());
    private final SchemaRegistryClient writerRegistry = TestRegistry.freshClient();
    private final SchemaRegistryClient readerRegistry = TestRegistry.freshClient();

    @AfterEach
    void close() {
        writerRegistry.close();
        readerRegistry.close();
    }

    @Test
    void framesARecordAsMagicByteThenRegistryIdThenAvroBinary() throws IOException {
        PaymentRequested payment = SampleEvents.paymentRequested();

        byte[] framed = AvroSerde.forTopic(topics.paymentRequests(), writerRegistry).serialize(payment);

        // the id the registry itself gives this schema under the topic's subject, asked by another client
        int registryId = readerRegistry.register(topics.paymentRequests().valueSubject(), PaymentRequested.getClassSchema());
        assertThat(framed[0]).isZero();
        assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(registryId);
        assertThat(Arrays.copyOfRange(framed, 5, framed.length)).isEqualTo(plainAvro(payment));
    }

    @Test
    void readsBackAnEqualRecordWithTheWriterSchemaFetchedById() {
        PaymentRequested payment = SampleEvents.paymentRequested();
        byte[] framed = AvroSerde.forTopic(topics.paymentRequests(), writerRegistry).serialize(payment);

        // a reader with an empty cache must fetch the writer schema from the registry by id
        PaymentRequested read = AvroSerde.forTopic(topics.paymentRequests(), readerRegistry).deserialize(framed);

        assertThat(read).isEqualTo(payment);
        assertThat(read.getRequestedAt()).isEqualTo(SampleEvents.REQUESTED_AT);
    }

    @Test
    void readsNestedGeneratedTypesWithoutJvmWideAvroTrustSettings() {
        // Avro 1.12 refuses to instantiate generated enums and records unless
        // org.apache.avro.SERIALIZABLE_PACKAGES lists them; the serde must not need it
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        PaymentStatusChanged needsAttention = PaymentStatusChanged.newBuilder()
                .setEventId("e-1").setPaymentId("pay_123").setMerchantId("mer_acme")
                .setStatus(PaymentStatus.NEEDS_ATTENTION).setReason("provider idempotency window passed")
                .setProviderChargeId(null).setAttempt(3).setOccurredAt(SampleEvents.REQUESTED_AT).build();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setFailureClass(FailureClass.INVALID_REQUEST).setErrorClass("java.lang.IllegalArgumentException")
                .setErrorMessage("amountMinor must be > 0").setFingerprint("f1").setOriginTopic("t")
                .setOriginPartition(0).setOriginOffset(41).setOriginTimestamp(SampleEvents.REQUESTED_AT)
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2}))
                .setOriginalHeaders(Map.of("id", ByteBuffer.wrap("e-1".getBytes(StandardCharsets.UTF_8))))
                .setDeadLetteredAt(SampleEvents.REQUESTED_AT).build();

        byte[] status = AvroSerde.forTopic(topics.paymentStatus(), writerRegistry).serialize(needsAttention);
        byte[] dead = AvroSerde.forTopic(topics.deadLetter(FailureClass.INVALID_REQUEST), writerRegistry).serialize(deadLetter);

        assertThat(AvroSerde.forTopic(topics.paymentStatus(), readerRegistry).deserialize(status)).isEqualTo(needsAttention);
        assertThat(AvroSerde.forTopic(topics.deadLetter(FailureClass.INVALID_REQUEST), readerRegistry).deserialize(dead))
                .isEqualTo(deadLetter);
    }

    @Test
    void unknownSchemaIdIsReportedAsAnotherRegistrysRecord() {
        byte[] framed = {0, 0x7f, 0x00, 0x00, 0x01, 0x02};

        assertThatThrownBy(() -> AvroSerde.forTopic(topics.paymentRequests(), readerRegistry).deserialize(framed))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("names schema id 2130706433, which the registry at " + TestRegistry.url() + " does not know")
                .satisfies(e -> assertThat(SchemaRegistryException.isTransient(e)).isFalse());
    }

    @Test
    void truncatedBodyIsReportedAsCorrupt() {
        byte[] framed = AvroSerde.forTopic(topics.paymentRequests(), writerRegistry).serialize(SampleEvents.paymentRequested());
        byte[] truncated = Arrays.copyOf(framed, framed.length - 3);

        assertThatThrownBy(() -> AvroSerde.forTopic(topics.paymentRequests(), readerRegistry).deserialize(truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("body does not decode with that schema")
                .hasMessageContaining("corrupt or was framed with the wrong id");
    }

    @Test
    void bytesLeftOverAfterTheRecordAreReportedAsCorrupt() {
        byte[] framed = AvroSerde.forTopic(topics.paymentRequests(), writerRegistry).serialize(SampleEvents.paymentRequested());
        byte[] padded = Arrays.copyOf(framed, framed.length + 2);

        assertThatThrownBy(() -> AvroSerde.forTopic(topics.paymentRequests(), readerRegistry).deserialize(padded))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes are left over after decoding its PaymentRequested");
    }

    private static byte[] plainAvro(PaymentRequested payment) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(PaymentRequested.class).write(payment, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
