package io.chargeonce.processor.deadletter;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ledger.Origin;
import org.apache.kafka.common.header.Headers;

import java.util.Objects;

/**
 * A record chargeonce gives up on, with everything needed to understand and replay it.
 *
 * @param reasonCode stable name of the rule or error that failed; with the class and error class
 *                   it forms the dead letter's fingerprint, so variable ids do not split groups
 * @param paymentId  null when the payment could not be identified
 * @param eventId    null when the event could not be identified
 */
public record Rejection(FailureClass failureClass, Throwable error, String reasonCode, Origin origin,
                        byte[] key, byte[] value, Headers headers, String paymentId, String eventId) {
    public Rejection {
        Objects.requireNonNull(failureClass, "failureClass");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(headers, "headers");
    }
}
