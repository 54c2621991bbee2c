package io.chargeonce.processor.refund;

import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.reconcile.Attempt;

import java.time.Instant;
import java.util.Objects;

/**
 * One refund in the refund ledger. As for payments, the state machine is the type hierarchy: only
 * {@link Attempting} (and an operator's reopen of {@link NeedsAttention}) has a way out, so "retry a
 * succeeded refund" cannot be written. The idempotency key and the charge are fixed when the entry
 * is first written and copied into every later state, so no path refunds under a second key.
 *
 * <p>A refund refused by the ledger's own checks, before any provider call, is a {@link Failed}
 * with attempt 0: it is kept, so a second request for it is a duplicate rather than a second chance.
 *
 * @see #reserves()
 */
public sealed interface RefundEntry {

    RefundRequest request();

    String idempotencyKey();

    /** The provider's id of the payment's charge; null for a refund refused before any call. */
    String chargeId();

    /** Provider attempt number: 0 if never called, 1 for the first call, +1 per re-drive. */
    int attempt();

    Instant firstAttemptAt();

    RefundStatus status();

    default String refundId() {
        return request().refundId();
    }

    default String paymentId() {
        return request().paymentId();
    }

    /** Whether the refund's amount counts against the payment: every refund that is not FAILED may move money. */
    default boolean reserves() {
        return !(this instanceof Failed);
    }

    /** A refund call may be in flight; at {@code nextCheckAt} it is re-driven by key. */
    record Attempting(RefundRequest request, String idempotencyKey, String chargeId, int attempt, Instant firstAttemptAt,
                      Instant nextCheckAt, String lastUnknown) implements RefundEntry, Attempt<RefundEntry, Attempting> {

        public Attempting {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(chargeId, "chargeId");
            Objects.requireNonNull(firstAttemptAt, "firstAttemptAt");
            Objects.requireNonNull(nextCheckAt, "nextCheckAt");
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                throw new IllegalArgumentException("refund " + request.refundId() + " needs an idempotency key");
            }
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
            }
        }

        public static Attempting first(RefundRequest request, String idempotencyKey, String chargeId, Instant now,
                                       Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, chargeId, 1, now, nextCheckAt, null);
        }

        @Override
        public RefundStatus status() {
            return RefundStatus.PENDING;
        }

        @Override
        public String subject() {
            return refundId();
        }

        @Override
        public RefundEntry entry() {
            return this;
        }

        @Override
        public Attempting nextAttempt(Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, chargeId, attempt + 1, firstAttemptAt, nextCheckAt, lastUnknown);
        }

        @Override
        public Attempting unknownUntil(Instant nextCheckAt, String reason) {
            return new Attempting(request, idempotencyKey, chargeId, attempt, firstAttemptAt, nextCheckAt,
                    Objects.requireNonNull(reason, "reason"));
        }

        @Override
        public Attempting checkAt(Instant nextCheckAt) {
            return new Attempting(request, idempotencyKey, chargeId, attempt, firstAttemptAt, nextCheckAt, lastUnknown);
        }

        public Succeeded succeed(String providerRefundId, Instant at) {
            return new Succeeded(request, idempotencyKey, chargeId, attempt, firstAttemptAt, providerRefundId, at);
        }

        public Failed fail(String reasonCode, String reason, Instant at) {
            return new Failed(request, idempotencyKey, chargeId, attempt, firstAttemptAt, reasonCode, reason, at);
        }

        @Override
        public NeedsAttention escalate(String reason, Instant at) {
            return new NeedsAttention(request, idempotencyKey, chargeId, attempt, firstAttemptAt, reason, at);
        }
    }

    record Succeeded(RefundRequest request, String idempotencyKey, String chargeId, int attempt, Instant firstAttemptAt,
                     String providerRefundId, Instant succeededAt) implements RefundEntry {
        public Succeeded {
            Objects.requireNonNull(providerRefundId, "providerRefundId");
            Objects.requireNonNull(succeededAt, "succeededAt");
        }

        @Override
        public RefundStatus status() {
            return RefundStatus.SUCCEEDED;
        }
    }

    /** No money moved: refused by the ledger's checks (attempt 0) or by the provider. */
    record Failed(RefundRequest request, String idempotencyKey, String chargeId, int attempt, Instant firstAttemptAt,
                  String reasonCode, String reason, Instant failedAt) implements RefundEntry {
        public Failed {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(failedAt, "failedAt");
        }

        /** Refused before calling the provider: nothing was attempted, nothing is reserved. */
        public static Failed beforeProvider(RefundRequest request, String idempotencyKey, String reasonCode, String reason,
                                            Instant at) {
            return new Failed(request, idempotencyKey, null, 0, at, reasonCode, reason, at);
        }

        @Override
        public RefundStatus status() {
            return RefundStatus.FAILED;
        }
    }

    record NeedsAttention(RefundRequest request, String idempotencyKey, String chargeId, int attempt,
                          Instant firstAttemptAt, String reason, Instant escalatedAt) implements RefundEntry {
        public NeedsAttention {
            Objects.requireNonNull(chargeId, "chargeId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(escalatedAt, "escalatedAt");
        }

        @Override
        public RefundStatus status() {
            return RefundStatus.NEEDS_ATTENTION;
        }

        /** An operator's replay: the next attempt with the SAME key, charge and first-attempt time. */
        public Attempting reopen(RefundRequest replayed, Instant nextCheckAt) {
            return new Attempting(replayed, idempotencyKey, chargeId, attempt + 1, firstAttemptAt, nextCheckAt, null);
        }
    }
}
