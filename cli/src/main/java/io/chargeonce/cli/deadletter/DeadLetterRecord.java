package io.chargeonce.cli.deadletter;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One record of a dead-letter (or parking) topic, decoded.
 *
 * @param value  the dead-letter record's own bytes (the framed envelope), parked unchanged
 * @param letter null if the envelope itself cannot be decoded (then it can be shown, never replayed)
 */
public record DeadLetterRecord(String topic, int partition, long offset, Instant timestamp, byte[] key,
                               byte[] value, Headers headers, DeadLetter letter) {

    /** Stable name of this dead letter: {@code <topic>-<partition>@<offset>}. */
    public String id() {
        return topic + "-" + partition + "@" + offset;
    }

    public FailureClass failureClass() {
        return letter == null ? null : letter.getFailureClass();
    }

    public String fingerprint() {
        return letter == null ? "(undecodable envelope)" : letter.getFingerprint();
    }

    public String paymentId() {
        return letter == null ? null : letter.getPaymentId();
    }

    public String eventId() {
        return letter == null ? null : letter.getEventId();
    }

    /** How often the original record was already replayed: its {@link EventHeaders#REPLAY_COUNT}. */
    public int replayCount() {
        if (letter == null) {
            return 0;
        }
        ByteBuffer value = letter.getOriginalHeaders().get(EventHeaders.REPLAY_COUNT);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(StandardCharsets.UTF_8.decode(value.duplicate()).toString().trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
