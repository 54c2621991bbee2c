package io.chargeonce.processor.ledger;

import io.chargeonce.processor.reconcile.Attempt;

import java.time.Instant;
import java.util.Objects;

/**
 * One payment in the ledger. The state machine is the type hierarchy: only {@link Attempting} has
 * transition methods, and each returns the next state, so "confirm a failed payment" or "retry a
 * confirmed one" cannot be written. The idempotency key is fixed at the first attempt and copied
 * into every later state, so no code path can charge the same payment under a second key.
 */
public sealed interface LedgerEntry {

    ChargeRequest request();

    String idempotencyKey();

    /** Attempt number, 1 for the first call; a re-drive after an unknown outcome adds one. */
    int attempt();

    Instant firstAttemptAt();

    LedgerState state();

    default String paymentId() {
        return request().paymentId();
    }

    /**
     * A call for this payment may be in flight; at {@code nextCheckAt} the owner of the payment's
     * task re-drives it (look up by key, charge again with the same key if the provider never saw it).
     *
     * @param lastUnknown why the last call's outcome is unknown, null before any outcome came back
     */
    record Attempting(ChargeRequest request, String idempotencyKey, int attempt, Instant firstAttemptAt,
                      Instant nextCheckAt, String lastUnknown) implements LedgerEntry, Attempt<LedgerEntry, Attempting> {

        public Attempting {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            Objects.requireNonNull(nextCheckAt, "nextCheckAt");
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                throw new IllegalArgumentException("payment " + request.paymentId() + " needs an idempotency key");
            }
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
            }
        }

        /** The first attempt, recorded before the provider is called. */
        public static Attempting first(ChargeRequest request, String idempotencyKey, Instant now, Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, 1, now, nextCheckAt, null);
        }

        @Override
        public LedgerState state() {
            return LedgerState.ATTEMPTING;
        }

        @Override
        public String subject() {
            return paymentId();
        }

        @Override
        public LedgerEntry entry() {
            return this;
        }

        /** Starts the next attempt with the same key; {@code nextCheckAt} bounds how long its call may take. */
        @Override
        public Attempting nextAttempt(Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, attempt + 1, firstAttemptAt, nextCheckAt, lastUnknown);
        }

        /** The call's outcome is unknown: check again at {@code nextCheckAt}, same attempt number. */
        @Override
        public Attempting unknownUntil(Instant nextCheckAt, String reason) {
            return new Attempting(request, idempotencyKey, attempt, firstAttemptAt, nextCheckAt,
                    Objects.requireNonNull(reason, "reason"));
        }

        /** Same attempt, a new call: it must have an outcome by {@code nextCheckAt}. */
        @Override
        public Attempting checkAt(Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, attempt, firstAttemptAt, nextCheckAt, lastUnknown);
        }

        public Confirmed confirm(String providerChargeId, Instant at) {
            return new Confirmed(request, idempotencyKey, attempt, firstAttemptAt, providerChargeId, at);
        }

        public Failed fail(String reasonCode, String reason, Instant at) {
            return new Failed(request, idempotencyKey, attempt, firstAttemptAt, reasonCode, reason, at);
        }

        @Override
        public NeedsAttention escalate(String reason, Instant at) {
            return new NeedsAttention(request, idempotencyKey, attempt, firstAttemptAt, reason, at);
        }
    }

    record Confirmed(ChargeRequest request, String idempotencyKey, int attempt, Instant firstAttemptAt,
                     String providerChargeId, Instant confirmedAt) implements LedgerEntry {
        public Confirmed {
            Objects.requireNonNull(providerChargeId, "providerChargeId");
            Objects.requireNonNull(confirmedAt, "confirmedAt");
        }

        @Override
        public LedgerState state() {
            return LedgerState.CONFIRMED;
        }
    }

    record Failed(ChargeRequest request, String idempotencyKey, int attempt, Instant firstAttemptAt,
                  String reasonCode, String reason, Instant failedAt) implements LedgerEntry {
        public Failed {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(failedAt, "failedAt");
        }

        @Override
        public LedgerState state() {
            return LedgerState.FAILED;
        }
    }

    record NeedsAttention(ChargeRequest request, String idempotencyKey, int attempt, Instant firstAttemptAt,
                          String reason, Instant escalatedAt) implements LedgerEntry {
        public NeedsAttention {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(escalatedAt, "escalatedAt");
        }

        @Override
        public LedgerState state() {
            return LedgerState.NEEDS_ATTENTION;
        }

        /**
         * An operator replayed the request after fixing the cause: the next attempt, with the SAME
         * idempotency key and first-attempt time (the provider's window still counts from there).
         * {@code replayed} carries the replay's origin, so its dead letter (if it fails again)
         * points at the replayed record.
         */
        public Attempting reopen(ChargeRequest replayed, Instant nextCheckAt) {
            return new Attempting(replayed, idempotencyKey, attempt + 1, firstAttemptAt, nextCheckAt, null);
        }
    }
}
