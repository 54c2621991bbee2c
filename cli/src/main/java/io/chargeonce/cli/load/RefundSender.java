package io.chargeonce.cli.load;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Sends one refund the way a merchant's back office does: once, or twice with the same key when the
 * first answer is lost, each retried with that key through refused connections, 5xx and
 * {@code 409 request_in_progress} with capped, jittered backoff until the API accepts or refuses it
 * or the deadline passes. Every answer is held to the API's promises: one refund per key, a replay
 * byte for byte the first 202, and no refusal of a refund the merchant's books say fits a CONFIRMED
 * payment.
 */
final class RefundSender {

    private static final Logger log = LoggerFactory.getLogger(RefundSender.class);

    private final Clock clock;
    private final List<ApiClient> apis;
    private final Backoff backoff;
    private final Duration deadline;

    RefundSender(Clock clock, List<ApiClient> apis, Backoff backoff, Duration deadline) {
        this.clock = clock;
        this.apis = apis;
        this.backoff = backoff;
        this.deadline = deadline;
    }

    RefundOutcome play(RefundSpec spec, RandomGenerator random) throws InterruptedException {
        Tally tally = new Tally(spec);
        Instant giveUpAt = clock.instant().plus(deadline);
        if (spec.resend()) {
            post(tally); // the merchant never reads this answer; the one it does read must be the same refund
        }
        for (int retry = 1; ; retry++) {
            Answer answer = post(tally);
            if (answer != null && !isRetryable(answer)) {
                break;
            }
            if (!backoff.waitBefore(retry, giveUpAt, clock, random)) {
                tally.gaveUp = true;
                log.warn("refund {} (key {}, payment {}) not decided within {}: {} POSTs, {} x 409, {} x 5xx, {} without answer",
                        spec.index(), spec.idempotencyKey(), spec.paymentId(), deadline, tally.posts, tally.conflicts,
                        tally.serverErrors, tally.transportErrors);
                break;
            }
        }
        return tally.outcome();
    }

    /** One POST; {@code null} if no answer came back. */
    private Answer post(Tally tally) throws InterruptedException {
        RefundSpec spec = tally.spec;
        tally.posts++;
        try {
            Answer answer = apis.get(spec.merchant()).createRefund(spec.paymentId(), spec.idempotencyKey(), spec.amount(),
                    spec.reason());
            tally.answered(answer);
            return answer;
        } catch (UncheckedIOException e) {
            tally.transportErrors++;
            return null;
        } catch (IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("refund run closed while refund " + spec.index() + " was sending");
            }
            throw e;
        }
    }

    /** 5xx, 408, 429 and a key still committing: the same key is safe to send again. */
    private static boolean isRetryable(Answer answer) {
        int status = answer.status();
        return status >= 500 || status == 408 || status == 429
                || (status == 409 && "request_in_progress".equals(answer.errorCode()));
    }

    /** Everything one refund's POSTs saw; touched by one thread (the resend is sequential). */
    private static final class Tally {
        final RefundSpec spec;
        final List<String> broken = new ArrayList<>();
        Answer first;
        int posts;
        int replays;
        int conflicts;
        int serverErrors;
        int transportErrors;
        int refusedStatus;
        String refusedCode;
        boolean gaveUp;

        Tally(RefundSpec spec) {
            this.spec = spec;
        }

        void answered(Answer answer) {
            int status = answer.status();
            if (status == 202) {
                accepted(answer);
            } else if (isRetryable(answer)) {
                if (status == 409) {
                    conflicts++;
                } else {
                    serverErrors++;
                }
            } else {
                refusedStatus = status;
                refusedCode = answer.errorCode();
                // the merchant's books say CONFIRMED with room for this amount: no refusal was planned
                broken.add("refund " + spec.index() + " (key " + spec.idempotencyKey() + ", payment " + spec.paymentId()
                        + ", asked " + (spec.amount() == null ? "the rest" : spec.amount()) + " of the " + spec.claims()
                        + " the merchant's books leave) refused " + status + " " + refusedCode);
            }
        }

        private void accepted(Answer answer) {
            if (answer.replayed()) {
                replays++;
            }
            String where = "refund " + spec.index() + " (key " + spec.idempotencyKey() + ", payment " + spec.paymentId() + ")";
            if (first == null) {
                first = answer;
                String expectedLocation = "/payments/" + spec.paymentId() + "/refunds/" + answer.refundId();
                boolean amountAsAsked = spec.amount() == null || spec.amount() == answer.body().path("amount").asLong(-1);
                if (answer.refundId() == null || !spec.paymentId().equals(answer.paymentId())
                        || !"PENDING".equals(answer.paymentStatus()) || !amountAsAsked
                        || answer.location() == null || !answer.location().endsWith(expectedLocation)) {
                    broken.add(where + " accepted without its refund id, payment, PENDING status, amount asked and Location");
                }
            } else if (!answer.replayed() || !answer.text().equals(first.text())) {
                broken.add(where + ": a later 202 under the key " + (answer.replayed() ? "" : "is not marked replayed and ")
                        + (answer.text().equals(first.text()) ? "matches" : "differs from") + " the first (refund "
                        + first.refundId() + " then " + answer.refundId() + ")");
            }
        }

        RefundOutcome outcome() {
            return new RefundOutcome(spec, first == null ? null : first.refundId(), posts, replays, conflicts, serverErrors,
                    transportErrors, refusedStatus, refusedCode, gaveUp && first == null && refusedStatus == 0, broken);
        }
    }
}
