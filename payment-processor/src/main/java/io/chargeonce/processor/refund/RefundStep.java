package io.chargeonce.processor.refund;

import io.chargeonce.events.FailureClass;

/**
 * What the refund processor must do next for one refund. Every step carries the entry to save, so
 * the ledger is written before anything leaves the stream thread.
 */
public sealed interface RefundStep {

    RefundEntry next();

    /** Which provider call to make with the entry's key. */
    enum CallKind {
        /** Refund with the refund's key. */
        REFUND,
        /** Ask what the provider decided under the key before refunding again. */
        LOOKUP
    }

    /** Save {@code next} and start {@code call} with the entry's idempotency key. */
    record Call(RefundEntry.Attempting next, CallKind call) implements RefundStep {
    }

    /** The outcome is unknown: save {@code next}, which says when to check again, and report PENDING. */
    record Wait(RefundEntry.Attempting next) implements RefundStep {
    }

    /**
     * The refund is settled or needs a person: save the terminal entry, emit its status and, when
     * SUCCEEDED or FAILED, its one result.
     *
     * @param deadLetter the dead-letter class for the original request, or null if it needs none
     */
    record Decide(RefundEntry next, FailureClass deadLetter) implements RefundStep {
        public Decide {
            if (next instanceof RefundEntry.Attempting) {
                throw new IllegalArgumentException("a decision needs a terminal entry, refund " + next.refundId() + " is still attempting");
            }
        }
    }
}
