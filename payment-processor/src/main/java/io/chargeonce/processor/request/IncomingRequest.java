package io.chargeonce.processor.request;

import io.chargeonce.events.PaymentRequested;
import io.chargeonce.processor.ledger.Origin;
import org.apache.kafka.common.header.Headers;

/**
 * A request record as read, decoded once: the raw bytes and headers (kept for dead-lettering),
 * the event if it could be decoded, otherwise why not.
 *
 * @param eventId the {@code id} header, or the payload's event id; null if neither is readable
 */
public record IncomingRequest(byte[] key, byte[] value, Headers headers, Origin origin,
                              PaymentRequested event, RuntimeException decodeError, String eventId) {

    public boolean decoded() {
        return event != null;
    }
}
