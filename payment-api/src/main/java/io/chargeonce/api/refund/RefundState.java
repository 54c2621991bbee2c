package io.chargeonce.api.refund;

import io.chargeonce.api.payment.Lifecycle;
import io.chargeonce.events.RefundStatus;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a refund as payment-api serves it. Legal moves are part of the type, so a late or
 * reordered status event can never drag a settled refund back:
 * <ul>
 *   <li>PENDING may move anywhere, PENDING again included (the processor reports each unknown
 *       provider outcome with its reason while it reconciles by key);</li>
 *   <li>NEEDS_ATTENTION may move anywhere: an operator's replay may settle it, or re-drive it
 *       (PENDING again) under the refund's own provider idempotency key;</li>
 *   <li>SUCCEEDED (money returned) and FAILED (no money moved) are terminal: nothing moves them,
 *       not even to themselves.</li>
 * </ul>
 * Every state but FAILED holds its amount against the payment: money may have moved or may yet move.
 */
public enum RefundState implements Lifecycle<RefundState> {
    PENDING,
    SUCCEEDED,
    FAILED,
    NEEDS_ATTENTION;

    /** Whether a refund in this state counts against what is left to refund of its payment. */
    public boolean holdsAmount() {
        return this != FAILED;
    }

    @Override
    public Set<RefundState> successors() {
        return switch (this) {
            case PENDING, NEEDS_ATTENTION -> EnumSet.allOf(RefundState.class);
            case SUCCEEDED, FAILED -> EnumSet.noneOf(RefundState.class);
        };
    }

    /** The state named by an event on the refund status topic. */
    public static RefundState of(RefundStatus status) {
        return switch (status) {
            case PENDING -> PENDING;
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case NEEDS_ATTENTION -> NEEDS_ATTENTION;
        };
    }
}
