package io.chargeonce.processor.request;

import io.chargeonce.processor.ledger.Origin;
import org.apache.kafka.common.header.Headers;

/**
 * A request record as read, decoded once: the raw bytes and headers (kept for dead-lettering),
 * the event if it could be decoded, otherwise why not.
 *
 * @param eventId the {@code id} header, or the payload's event id; null if neither is readable
 * @param <E>     the request event ({@code PaymentRequested}, {@code RefundRequested})
 */
public record IncomingRequest<E>(byte[] key, byte[] value, Headers headers, Origin origin,
                                 E event, RuntimeException decodeError, String eventId) {

    public boolean decoded() {
        return event != null;
    }
}
