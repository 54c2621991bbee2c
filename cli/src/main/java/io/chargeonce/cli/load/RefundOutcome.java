package io.chargeonce.cli.load;

import java.util.List;

/**
 * What happened to one planned refund, as its merchant saw it through the API.
 *
 * @param refundId        the refund the API accepted (202) it as; {@code null} if it was refused or given up
 * @param posts           POSTs sent, the resend and retries included
 * @param replays         202 answers marked {@code Idempotent-Replayed: true}
 * @param conflicts       409 {@code request_in_progress} (the same key was still committing): retried
 * @param serverErrors    5xx, 408 and 429: retried
 * @param transportErrors no answer (refused, reset, timeout): retried
 * @param refusedStatus   the HTTP status of a definite refusal, 0 if none
 * @param refusedCode     its error code ({@code payment_not_refundable}, {@code refund_exceeds_payment}, ...)
 * @param gaveUp          neither accepted nor refused before the deadline: the merchant does not know
 * @param brokenPromises  answers the API must never give this refund, described without payloads
 */
public record RefundOutcome(RefundSpec spec, String refundId, int posts, int replays, int conflicts, int serverErrors,
                            int transportErrors, int refusedStatus, String refusedCode, boolean gaveUp,
                            List<String> brokenPromises) {

    public RefundOutcome {
        brokenPromises = List.copyOf(brokenPromises);
    }

    public boolean accepted() {
        return refundId != null;
    }

    public boolean refused() {
        return refusedStatus != 0;
    }
}
