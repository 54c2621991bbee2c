package io.chargeonce.api.payment;

import io.chargeonce.events.PaymentStatus;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a payment as payment-api serves it. Legal moves are part of the type, so a late or
 * reordered status event can never drag a settled payment back:
 * <ul>
 *   <li>PENDING may move anywhere (including PENDING again, e.g. a retried attempt);</li>
 *   <li>NEEDS_ATTENTION may be settled to CONFIRMED or FAILED once someone resolves it, refreshed
 *       with a new reason, or go back to PENDING when an operator's dead-letter replay re-drives it
 *       (the processor then charges it again under its own idempotency key);</li>
 *   <li>CONFIRMED and FAILED are terminal: nothing moves them, not even to themselves.</li>
 * </ul>
 */
public enum PaymentState implements Lifecycle<PaymentState> {
    PENDING,
    CONFIRMED,
    FAILED,
    NEEDS_ATTENTION;

    @Override
    public Set<PaymentState> successors() {
        return switch (this) {
            case PENDING -> EnumSet.allOf(PaymentState.class);
            case NEEDS_ATTENTION -> EnumSet.allOf(PaymentState.class);
            case CONFIRMED, FAILED -> EnumSet.noneOf(PaymentState.class);
        };
    }

    /** The state named by an event on the status topic. */
    public static PaymentState of(PaymentStatus status) {
        return switch (status) {
            case PENDING -> PENDING;
            case CONFIRMED -> CONFIRMED;
            case FAILED -> FAILED;
            case NEEDS_ATTENTION -> NEEDS_ATTENTION;
        };
    }
}
