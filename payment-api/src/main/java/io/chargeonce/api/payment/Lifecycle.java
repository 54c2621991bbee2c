package io.chargeonce.api.payment;

/**
 * A state of something whose legal moves are part of its type ({@link PaymentState}, and the
 * refund's state), so the status inbox can judge any status event without knowing what it moves.
 */
public interface Lifecycle<S extends Lifecycle<S>> {

    /** True if something in this state may take {@code next}. */
    boolean canMoveTo(S next);
}
