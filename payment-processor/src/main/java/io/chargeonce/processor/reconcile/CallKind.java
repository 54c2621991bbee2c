package io.chargeonce.processor.reconcile;

/** Which provider call an attempt is making. */
public enum CallKind {
    /** Charge with the payment's idempotency key. */
    CHARGE,
    /** Ask what the provider recorded under the key before deciding to charge again. */
    LOOKUP
}
