package io.chargeonce.processor.ledger;

/**
 * The states of a payment in the ledger. Only {@link #ATTEMPTING} has a way out; the others are
 * terminal. The allowed moves live in the {@link LedgerEntry} types, so an illegal one does not compile.
 */
public enum LedgerState {
    /** A provider call may be in flight or due; the payment reads as PENDING. */
    ATTEMPTING,
    CONFIRMED,
    FAILED,
    /** chargeonce could not decide safely; the entry's reason says why and a person must look. */
    NEEDS_ATTENTION
}
