package io.chargeonce.api.idempotency;

import java.util.UUID;

/**
 * The answer to one keyed request ({@code POST /payments}, {@code POST /payments/{id}/refunds}). For
 * NEW and REPLAYED, {@code httpStatus} and {@code body} are the frozen response to send as is; for
 * CONFLICT and IN_PROGRESS they are unused (0 and empty) and the caller renders the error.
 *
 * @param id the row (payment or refund) the key is bound to, or null while it is still in progress
 */
public record IntakeResult(IdempotencyDecision decision, UUID id, int httpStatus, byte[] body) {

    public static IntakeResult created(UUID id, int httpStatus, byte[] body) {
        return new IntakeResult(IdempotencyDecision.NEW, id, httpStatus, body);
    }

    public static IntakeResult replayed(UUID id, int httpStatus, byte[] body) {
        return new IntakeResult(IdempotencyDecision.REPLAYED, id, httpStatus, body);
    }

    public static IntakeResult conflict(UUID id) {
        return new IntakeResult(IdempotencyDecision.CONFLICT, id, 0, new byte[0]);
    }

    public static IntakeResult inProgress() {
        return new IntakeResult(IdempotencyDecision.IN_PROGRESS, null, 0, new byte[0]);
    }
}
