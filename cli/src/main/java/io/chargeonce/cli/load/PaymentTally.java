package io.chargeonce.cli.load;

import io.chargeonce.cli.demo.ApiClient.Answer;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Everything one payment's taps and polls saw, shared by its concurrent taps and the status poller.
 * Mutations are synchronized: contention is per payment, at most three taps and one poller.
 */
final class PaymentTally {

    private final PaymentSpec spec;
    private String paymentId;
    private final Set<String> otherPaymentIds = new LinkedHashSet<>();
    private int posts;
    private int replays;
    private int conflicts;
    private int keyReuseRejections;
    private int serverErrors;
    private int transportErrors;
    private int clientErrors;
    private Instant firstPostAt;
    private Instant acceptedAt;
    private String finalStatus;
    private Instant finalStatusSeenAt;
    private Instant finalStatusSince;
    private Instant lastPendingSeenAt;

    PaymentTally(PaymentSpec spec) {
        this.spec = spec;
    }

    PaymentSpec spec() {
        return spec;
    }

    synchronized void posting(Instant at) {
        posts++;
        if (firstPostAt == null) {
            firstPostAt = at;
        }
    }

    synchronized void transportError() {
        transportErrors++;
    }

    /**
     * Records one answer to a POST.
     *
     * @return whether this answer is the payment's first acceptance (the caller starts following its status)
     */
    synchronized boolean answered(Answer answer, Instant at) {
        int status = answer.status();
        if (status == 202 || status == 200 || status == 201) {
            if (answer.replayed()) {
                replays++;
            }
            String id = answer.paymentId();
            if (paymentId == null) {
                paymentId = id;
                acceptedAt = at;
                return true;
            }
            if (id != null && !paymentId.equals(id)) {
                otherPaymentIds.add(id);
            }
        } else if (status == 409) {
            conflicts++;
        } else if (status == 422) {
            keyReuseRejections++;
        } else if (status >= 500) {
            serverErrors++;
        } else {
            clientErrors++;
        }
        return false;
    }

    synchronized String paymentId() {
        return paymentId;
    }

    synchronized Instant acceptedAt() {
        return acceptedAt;
    }

    /** @param since the API's {@code updatedAt} of that status, or {@code null} */
    synchronized void statusSeen(String status, Instant at, Instant since, boolean terminal) {
        finalStatus = status;
        if (terminal) {
            finalStatusSeenAt = at;
            finalStatusSince = since;
        } else {
            lastPendingSeenAt = at;
        }
    }

    synchronized PaymentOutcome outcome() {
        return new PaymentOutcome(spec, paymentId, otherPaymentIds, posts, replays, conflicts, keyReuseRejections,
                serverErrors, transportErrors, clientErrors, firstPostAt, acceptedAt, finalStatus,
                finalStatusSeenAt, finalStatusSince, lastPendingSeenAt);
    }
}
