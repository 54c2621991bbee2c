package io.chargeonce.processor.reconcile;

/**
 * What a ledger processor must do next for one payment or refund. Every step carries the entry to
 * save, so the ledger is written before anything leaves the stream thread.
 *
 * @param <E> the ledger's entry type
 * @param <A> its attempting state
 * @param <K> which provider calls it makes ({@link CallKind} for charges)
 */
public sealed interface Step<E, A extends Attempt<E, A>, K> {

    /** The entry to save before the step is carried out. */
    E next();

    /** Save {@code attempting} and start {@code call} with the entry's idempotency key. */
    record Call<E, A extends Attempt<E, A>, K>(A attempting, K call) implements Step<E, A, K> {
        @Override
        public E next() {
            return attempting.entry();
        }
    }

    /** The outcome is unknown: save {@code attempting}, which says when to check again, and report PENDING. */
    record Wait<E, A extends Attempt<E, A>, K>(A attempting) implements Step<E, A, K> {
        @Override
        public E next() {
            return attempting.entry();
        }
    }

    /**
     * Settled or needs a person: save the terminal entry, emit its status and, when settled, its result.
     *
     * @param deadLetter the dead letter for the original request, or null if it needs none
     */
    record Decide<E, A extends Attempt<E, A>, K>(E next, Escalation deadLetter) implements Step<E, A, K> {
        public Decide {
            if (next instanceof Attempt<?, ?> attempting) {
                throw new IllegalArgumentException("a decision needs a terminal entry, " + attempting.subject()
                        + " is still attempting");
            }
        }
    }
}
