package io.chargeonce.processor.reconcile;

import java.time.Instant;

/**
 * An entry of a ledger while a provider call for it may be in flight, as the shared re-drive rules
 * ({@link RetryRules}) and loop ({@link ReconcileLoop}) see it. A payment's and a refund's attempting
 * entries implement it; their ledgers stay separate sealed state machines, and each transition still
 * returns that ledger's own types, so a refund attempt can never turn into a payment entry.
 *
 * @param <E> the ledger's entry type ({@code LedgerEntry}, {@code RefundEntry})
 * @param <A> the attempting state itself
 */
public interface Attempt<E, A extends Attempt<E, A>> {

    /** What the ledger and the in-flight calls know the entry by: a payment's id, a refund's id. */
    String subject();

    /** This attempt as an entry of its ledger (itself: Java cannot bound {@code A} by both {@code E} and this type). */
    E entry();

    String idempotencyKey();

    int attempt();

    Instant firstAttemptAt();

    /** Why the last call's outcome is unknown, null before any outcome came back. */
    String lastUnknown();

    /** Starts the next attempt with the same key; {@code nextCheckAt} bounds how long its call may take. */
    A nextAttempt(Instant nextCheckAt);

    /** The call's outcome is unknown: check again at {@code nextCheckAt}, same attempt number. */
    A unknownUntil(Instant nextCheckAt, String reason);

    /** Same attempt, a new call: it must have an outcome by {@code nextCheckAt}. */
    A checkAt(Instant nextCheckAt);

    /** Gives up on deciding by itself: a person must look, for {@code reason}. */
    E escalate(String reason, Instant at);
}
