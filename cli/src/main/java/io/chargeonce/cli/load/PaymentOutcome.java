package io.chargeonce.cli.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What happened to one planned payment, as its app saw it through the API.
 *
 * @param paymentId          the payment the API accepted it as; {@code null} if no request was accepted
 *                           before the payment deadline
 * @param otherPaymentIds    payment ids of other 202 answers under the same key: must stay empty,
 *                           anything here is a second payment for one Idempotency-Key
 * @param posts              POSTs sent, retries and duplicates included
 * @param replays            202 answers with {@code Idempotent-Replayed: true}
 * @param conflicts          409 answers (a request with the same key was still committing)
 * @param keyReuseRejections 422 answers ({@code idempotency_key_reused}); never expected from this generator
 * @param serverErrors       5xx answers, 503 included
 * @param transportErrors    no answer: connection refused or reset, timeout
 * @param clientErrors       other 4xx answers (400, 401, 404): not retried
 * @param firstPostAt        when the first POST was sent
 * @param acceptedAt         when the first 202 arrived
 * @param finalStatus        last status seen through {@code GET /payments/{id}}; {@code null} if not followed
 * @param finalStatusVisibleAt when a terminal status was first seen; {@code null} if never
 * @param lastPendingSeenAt  the last poll that still saw PENDING: the terminal status became visible
 *                           between this and {@code finalStatusVisibleAt}
 */
public record PaymentOutcome(
        PaymentSpec spec,
        String paymentId,
        Set<String> otherPaymentIds,
        int posts,
        int replays,
        int conflicts,
        int keyReuseRejections,
        int serverErrors,
        int transportErrors,
        int clientErrors,
        Instant firstPostAt,
        Instant acceptedAt,
        String finalStatus,
        Instant finalStatusVisibleAt,
        Instant lastPendingSeenAt) {

    public static final Set<String> TERMINAL_STATUSES = Set.of("CONFIRMED", "FAILED", "NEEDS_ATTENTION");

    public PaymentOutcome {
        otherPaymentIds = Set.copyOf(otherPaymentIds);
    }

    public String idempotencyKey() {
        return spec.idempotencyKey();
    }

    public boolean accepted() {
        return paymentId != null;
    }

    /** Answers that made the app retry: 409s, 5xx and no answer at all. */
    public int retriedFailures() {
        return conflicts + serverErrors + transportErrors;
    }

    public boolean finalStatusVisible() {
        return finalStatusVisibleAt != null;
    }

    /** First POST → terminal status visible through the API, if it was followed and became visible. */
    public Optional<Duration> journeyLatency() {
        return firstPostAt == null || finalStatusVisibleAt == null
                ? Optional.empty() : Optional.of(Duration.between(firstPostAt, finalStatusVisibleAt));
    }
}
