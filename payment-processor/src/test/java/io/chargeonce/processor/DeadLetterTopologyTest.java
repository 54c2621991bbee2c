package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.processor.deadletter.DeadLetterHeaders;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.request.InvalidPaymentRequestException;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.chargeonce.processor.support.SampleRequests.request;
import static io.chargeonce.processor.support.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input never stops the pipeline and is never lost: it lands on its class's dead-letter topic
 * with its original bytes, headers and origin, the payment (when known) is marked NEEDS_ATTENTION,
 * and the next record is processed as usual.
 */
class DeadLetterTopologyTest extends TopologyTestBase {
    private static final byte[] GARBAGE = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void undecodableRecordIsDeadLetteredWholeAndThePipelineMovesOn() {
        TopologyHarness h = start();

        h.sendRaw(utf8("pay-poison"), GARBAGE, TopologyHarness.headers("evt-poison"));
        h.send(request("pay-ok"));

        List<TestRecord<byte[], DeadLetter>> letters = h.deadLetters(FailureClass.UNDESERIALIZABLE);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo(utf8("pay-poison"));
            Headers headers = letter.headers();
            assertThat(text(headers, EventHeaders.EVENT_ID)).isEqualTo("evt-poison");
            assertThat(text(headers, EventHeaders.TRACEPARENT)).isEqualTo(TopologyHarness.TRACEPARENT);
            assertThat(text(headers, DeadLetterHeaders.EXCEPTION)).isEqualTo(SerializationException.class.getName());
            assertThat(text(headers, DeadLetterHeaders.MESSAGE)).contains("not in Confluent wire format");
            assertThat(text(headers, DeadLetterHeaders.STACKTRACE)).contains(SerializationException.class.getName());
            assertThat(text(headers, DeadLetterHeaders.TOPIC)).isEqualTo(h.config.topics().paymentRequests().name());
            assertThat(text(headers, DeadLetterHeaders.PARTITION)).isEqualTo("0");
            assertThat(text(headers, DeadLetterHeaders.OFFSET)).isEqualTo("0");

            DeadLetter envelope = letter.value();
            assertThat(envelope.getFailureClass()).isEqualTo(FailureClass.UNDESERIALIZABLE);
            assertThat(envelope.getErrorClass()).isEqualTo(SerializationException.class.getName());
            assertThat(envelope.getOriginTopic()).isEqualTo(h.config.topics().paymentRequests().name());
            assertThat(envelope.getOriginOffset()).isZero();
            assertThat(envelope.getOriginTimestamp()).isEqualTo(TopologyHarness.START);
            assertThat(envelope.getPaymentId()).isEqualTo("pay-poison");
            assertThat(envelope.getEventId()).isEqualTo("evt-poison");
            assertThat(bytes(envelope.getOriginalKey())).isEqualTo(utf8("pay-poison"));
            assertThat(bytes(envelope.getOriginalValue())).isEqualTo(GARBAGE);
            assertThat(envelope.getOriginalHeaders()).containsKeys(EventHeaders.EVENT_ID, EventHeaders.TRACEPARENT);
            assertThat(envelope.getFingerprint()).isNotBlank();
        });
        // The poisoned payment is visibly stuck, not silently PENDING.
        assertThat(h.statuses()).singleElement().satisfies(status -> {
            assertThat(status.key()).isEqualTo("pay-poison");
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.NEEDS_ATTENTION);
            assertThat(status.value().getReason()).contains("UNDESERIALIZABLE").contains("nothing was charged");
            assertThat(status.value().getAttempt()).isZero();
        });
        // The next record went through.
        assertThat(h.gateway.charges()).singleElement()
                .satisfies(call -> assertThat(call.command().paymentId()).isEqualTo("pay-ok"));

        // The dead letter released the poison's inbox claim (it was never applied, so a replay must get
        // through): a relay redelivery of it is dead-lettered again, never lost and never charged.
        h.sendRaw(utf8("pay-poison"), GARBAGE, TopologyHarness.headers("evt-poison"));
        assertThat(h.deadLetters(FailureClass.UNDESERIALIZABLE)).singleElement()
                .satisfies(again -> assertThat(again.value().getEventId()).isEqualTo("evt-poison"));
        assertThat(h.count(ProcessorMetrics.DEAD_LETTERS, "class", "undeserializable")).isEqualTo(2);
        assertThat(h.gateway.charges()).hasSize(1);
    }

    @Test
    void recordWithNeitherKeyNorEventIdIsStillDeadLettered() {
        TopologyHarness h = start();

        h.sendRaw(null, null, new RecordHeaders());

        assertThat(h.deadLetters(FailureClass.UNDESERIALIZABLE)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getPaymentId()).isNull();
            assertThat(letter.value().getOriginalValue()).isNull();
        });
        assertThat(h.statuses()).isEmpty();
    }

    @Test
    void invalidRequestIsDeadLetteredAndItsPaymentNeedsAttention() {
        TopologyHarness h = start();
        PaymentRequested zero = request("pay-zero");
        zero.setAmountMinor(0);

        h.send(zero);

        assertThat(h.gateway.calls()).isEmpty();
        assertThat(h.deadLetters(FailureClass.INVALID_REQUEST)).singleElement().satisfies(letter -> {
            assertThat(text(letter.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(InvalidPaymentRequestException.class.getName());
            assertThat(text(letter.headers(), DeadLetterHeaders.MESSAGE)).contains("must be > 0");
            assertThat(letter.value().getPaymentId()).isEqualTo("pay-zero");
            assertThat(letter.value().getEventId()).isEqualTo("evt-pay-zero-1");
            assertThat(h.serdes.requests().deserialize(bytes(letter.value().getOriginalValue()))).isEqualTo(zero);
        });
        assertThat(h.statuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.NEEDS_ATTENTION);
            assertThat(status.value().getReason()).contains("amount_not_positive");
            assertThat(status.value().getMerchantId()).isEqualTo("merchant-7");
        });
    }

    @Test
    void fingerprintGroupsByRuleNotByPayment() {
        TopologyHarness h = start();
        PaymentRequested first = request("pay-a");
        first.setAmountMinor(-1);
        PaymentRequested second = request("pay-b");
        second.setAmountMinor(0);
        PaymentRequested other = request("pay-c");
        other.setCurrency("XYZ");

        h.send(first);
        h.send(second);
        h.send(other);

        List<String> fingerprints = h.deadLetters(FailureClass.INVALID_REQUEST).stream()
                .map(letter -> letter.value().getFingerprint()).toList();
        assertThat(fingerprints).hasSize(3);
        assertThat(fingerprints.get(0)).isEqualTo(fingerprints.get(1)).isNotEqualTo(fingerprints.get(2));
    }

    @Test
    void requestUnderAnotherPaymentsKeyIsInvalid() {
        TopologyHarness h = start();

        PaymentRequested request = request("pay-d");
        h.sendRaw(utf8("pay-e"), h.serdes.requests().serialize(request), TopologyHarness.headers(request.getEventId()));

        assertThat(h.gateway.calls()).isEmpty();
        assertThat(h.deadLetters(FailureClass.INVALID_REQUEST)).singleElement()
                .satisfies(letter -> assertThat(letter.value().getErrorMessage()).contains("different record key"));
    }

    @Test
    void corruptCopyOfASettledPaymentLeavesItsStatusAlone() {
        TopologyHarness h = start();
        h.send(request("pay-f"));
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_f"));
        h.tick();
        assertThat(h.statuses()).singleElement()
                .satisfies(status -> assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.CONFIRMED));

        PaymentRequested corrupt = request("pay-f", "evt-pay-f-2");
        corrupt.setCurrency("usd");
        h.send(corrupt);

        assertThat(h.deadLetters(FailureClass.INVALID_REQUEST)).hasSize(1);
        assertThat(h.statuses()).isEmpty();
    }

    private static String text(Headers headers, String name) {
        assertThat(headers.lastHeader(name)).as("header %s", name).isNotNull();
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
