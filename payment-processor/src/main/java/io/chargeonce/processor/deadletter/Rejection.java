package io.chargeonce.processor.deadletter;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ledger.Origin;
import io.chargeonce.processor.reconcile.Escalation;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
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

    /**
     * A request the ledger accepted and then escalated (the provider refused it, or chargeonce gave
     * up on a definite answer): the request re-encoded ({@code value}) under its payment key, with
     * its event id and trace context, so that a replay after the cause is fixed re-drives it.
     *
     * @param replayCount how often the request had been replayed when the ledger took it; above 0
     *                    it goes into the headers (and so the envelope's original headers), because
     *                    {@code dlt replay}'s loop guard reads it there: without it a request the
     *                    provider keeps refusing would restart at 0 each round and cycle for ever
     */
    public static Rejection escalated(Escalation escalation, Origin origin, String paymentId, String eventId,
                                      String traceparent, int replayCount, byte[] value) {
        Headers headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            headers.add(EventHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        if (replayCount > 0) {
            headers.add(EventHeaders.REPLAY_COUNT, String.valueOf(replayCount).getBytes(StandardCharsets.UTF_8));
        }
        return new Rejection(escalation.failureClass(), escalation.error(), escalation.reasonCode(), origin, paymentId.getBytes(StandardCharsets.UTF_8), value, headers, paymentId, eventId);
    }
}
