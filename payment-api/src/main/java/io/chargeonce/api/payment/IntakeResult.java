package io.chargeonce.api.payment;

import java.util.UUID;

/**
 * The answer to one {@code POST /payments}. For NEW and REPLAYED, {@code httpStatus} and
 * {@code body} are the frozen response to send as is; for CONFLICT and IN_PROGRESS they are unused
 * (0 and empty) and the caller renders the error.
 *
 * @param paymentId the payment the key is bound to, or null while it is still in progress
 */
public record IntakeResult(IdempotencyDecision decision, UUID paymentId, int httpStatus, byte[] body) {

    static IntakeResult created(UUID paymentId, int httpStatus, byte[] body) {
        return new IntakeResult(IdempotencyDecision.NEW, paymentId, httpStatus, body);
    }

    static IntakeResult replayed(UUID paymentId, int httpStatus, byte[] body) {
        return new IntakeResult(IdempotencyDecision.REPLAYED, paymentId, httpStatus, body);
    }

    static IntakeResult conflict(UUID paymentId) {
        return new IntakeResult(IdempotencyDecision.CONFLICT, paymentId, 0, new byte[0]);
    }

    static IntakeResult inProgress() {
        return new IntakeResult(IdempotencyDecision.IN_PROGRESS, null, 0, new byte[0]);
    }
}
