package io.chargeonce.schemas;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatTest {

    @Test
    void headerIsMagicByteThenBigEndianId() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x7fabcdef);

        assertThat(out.toByteArray()).containsExactly(0x00, 0x7f, 0xab, 0xcd, 0xef);
    }

    @Test
    void schemaIdReadsBackWhatTheHeaderWrote() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);
        out.write(0x2a); // any Avro body

        assertThat(WireFormat.schemaId(out.toByteArray(), "t")).isEqualTo(0x01020304);
    }

    @Test
    void jsonIsRecognisedAsJson() {
        byte[] json = "{\"paymentId\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> WireFormat.schemaId(json, "payments"))
                .isInstanceOf(SerializationException.class)
                .hasMessage("record on topic payments is not in Confluent wire format: first byte 0x7b,"
                        + " expected 0x00 (was it written as JSON?)");
    }

    @Test
    void plainTextIsRecognisedAsText() {
        byte[] text = "pay_123".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> WireFormat.schemaId(text, "payments"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("first byte 0x70, expected 0x00")
                .hasMessageContaining("string serializer");
    }

    @Test
    void recordShorterThanTheHeaderIsRejected() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}, "payments"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is 3 bytes, too short for the Confluent wire format");
    }
}
