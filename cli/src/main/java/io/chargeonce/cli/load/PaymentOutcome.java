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
 * @param finalStatusSeenAt  when a poll first saw a terminal status; {@code null} if never
 * @param finalStatusSince   when the API says the terminal status was recorded (its {@code updatedAt}, on
 *                           the API's clock); {@code null} if never seen or not given
 * @param lastPendingSeenAt  the last poll that still saw PENDING
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
        Instant finalStatusSeenAt,
        Instant finalStatusSince,
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
        return finalStatusSeenAt != null;
    }

    /**
     * First POST → terminal status recorded by the API, if it was followed and seen. Dated by the
     * API's {@code updatedAt} when it gave one (exact however rarely we polled; on the API's clock,
     * the same clock on one machine), otherwise by the poll that saw it (an upper bound).
     */
    public Optional<Duration> journeyLatency() {
        if (firstPostAt == null || finalStatusSeenAt == null) {
            return Optional.empty();
        }
        Instant end = finalStatusSince != null && !finalStatusSince.isBefore(firstPostAt) ? finalStatusSince : finalStatusSeenAt;
        return Optional.of(Duration.between(firstPostAt, end));
    }
}
