package io.chargeonce.api.payment;

import java.util.Set;

/**
 * A state of something whose legal moves are part of its type ({@link PaymentState}, and the
 * refund's state), so the status inbox can judge any status event without knowing what it moves.
 */
public interface Lifecycle<S extends Lifecycle<S>> {

    /** The states something in this state may take next; empty for a terminal state. */
    Set<S> successors();

    /** True if something in this state may take {@code next}. */
    default boolean canMoveTo(S next) {
        return successors().contains(next);
    }

    default boolean isTerminal() {
        return successors().isEmpty();
    }
}
