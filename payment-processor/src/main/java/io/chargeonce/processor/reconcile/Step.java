package io.chargeonce.processor.reconcile;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ledger.LedgerEntry;

/**
 * What the ledger processor must do next for one payment. Every step carries the entry to save,
 * so the ledger is written before anything leaves the stream thread.
 */
public sealed interface Step {

    LedgerEntry next();

    /** Save {@code next} and start {@code call} with the entry's idempotency key. */
    record Call(LedgerEntry.Attempting next, CallKind call) implements Step {
    }

    /** The outcome is unknown: save {@code next}, which says when to check again, and report PENDING. */
    record Wait(LedgerEntry.Attempting next) implements Step {
    }

    /**
     * The payment is settled or needs a person: save the terminal entry, emit its status and result.
     *
     * @param deadLetter the dead-letter class for the original request, or null if it needs none
     */
    record Decide(LedgerEntry next, FailureClass deadLetter) implements Step {
        public Decide {
            if (next instanceof LedgerEntry.Attempting) {
                throw new IllegalArgumentException("a decision needs a terminal entry, payment " + next.paymentId() + " is still attempting");
            }
        }
    }
}
