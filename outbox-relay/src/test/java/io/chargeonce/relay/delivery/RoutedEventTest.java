package io.chargeonce.relay.delivery;

import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The step from an EventRouter record to a Kafka record, on records shaped like the router's. */
class RoutedEventTest {

    private static final byte[] PAYLOAD = {0, 0, 0, 0, 7, (byte) 0xff, 0x00, 0x7f, (byte) 0x80};
    private static final Map<String, Object> OFFSET = Map.of("lsn", 0x16_B374_D848L, "ts_usec", 1_767_225_600_123_456L);

    @Test
    void copies_key_headers_and_payload_bytes_into_the_kafka_record() {
        ProducerRecord<String, byte[]> record = RoutedEvent.from(routed(ByteBuffer.wrap(PAYLOAD), "00-trace-01"))
                .toProducerRecord("requests");

        assertThat(record.topic()).isEqualTo("requests");
        assertThat(record.key()).isEqualTo("pay_1");
        assertThat(record.value()).containsExactly(PAYLOAD);
        assertThat(header(record, EventHeaders.EVENT_ID)).isEqualTo("5b0c6f1e-0000-4000-8000-000000000001");
        assertThat(header(record, EventHeaders.EVENT_TYPE)).isEqualTo("PaymentRequested");
        assertThat(header(record, EventHeaders.TRACEPARENT)).isEqualTo("00-trace-01");
    }

    @Test
    void leaves_out_the_trace_header_when_the_row_had_none() {
        ProducerRecord<String, byte[]> record = RoutedEvent.from(routed(PAYLOAD, null)).toProducerRecord("requests");

        assertThat(record.headers().lastHeader(EventHeaders.TRACEPARENT)).isNull();
    }

    @Test
    void takes_commit_time_and_position_from_the_source_offset() {
        RoutedEvent event = RoutedEvent.from(routed(PAYLOAD, null));

        assertThat(event.commitTime()).contains(Instant.parse("2026-01-01T00:00:00.123456Z"));
        assertThat(event.lsn()).hasValue(0x16_B374_D848L);
        assertThat(event.toString()).contains("16/B374D848").doesNotContain("[0, 0");
    }

    @Test
    void refuses_a_record_without_event_id() {
        SourceRecord heartbeat = new SourceRecord(Map.of(), OFFSET, "payment", null, Schema.STRING_SCHEMA, "pay_1",
                Schema.BYTES_SCHEMA, PAYLOAD);

        assertThatThrownBy(() -> RoutedEvent.from(heartbeat))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("no 'id' header");
    }

    private static SourceRecord routed(Object payload, String traceparent) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(EventHeaders.EVENT_ID, "5b0c6f1e-0000-4000-8000-000000000001");
        headers.addString(EventHeaders.EVENT_TYPE, "PaymentRequested");
        headers.add(EventHeaders.TRACEPARENT, traceparent, Schema.OPTIONAL_STRING_SCHEMA);
        return new SourceRecord(Map.of(), OFFSET, "payment", null, Schema.STRING_SCHEMA, "pay_1",
                Schema.BYTES_SCHEMA, payload, 0L, headers);
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
