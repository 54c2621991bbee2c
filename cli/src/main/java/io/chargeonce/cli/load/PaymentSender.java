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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.SplittableGenerator;

/**
 * Sends one payment the way a real app does: its taps (one, a lost-response retry, or two or three
 * at once), each retried with the same Idempotency-Key through refused connections, 5xx, 503 and
 * 409 with capped, jittered backoff until the API accepts it or the payment's deadline passes.
 * A 4xx other than 409 is the app's own bug and is not retried.
 */
final class PaymentSender {

    private static final Logger log = LoggerFactory.getLogger(PaymentSender.class);

    private final Clock clock;
    private final List<ApiClient> apis;
    private final Backoff backoff;
    private final Duration deadline;
    private final LoadCounters counters;
    private final Latencies postLatencies;
    private final ExecutorService taps;
    private final Consumer<PaymentTally> onAccepted;
    /** Whether the last POST of any app got an answer; flips are logged once, not per request. */
    private final AtomicBoolean apiAnswering = new AtomicBoolean(true);

    PaymentSender(Clock clock, List<ApiClient> apis, Backoff backoff, Duration deadline, LoadCounters counters,
                  Latencies postLatencies, ExecutorService taps, Consumer<PaymentTally> onAccepted) {
        this.clock = clock;
        this.apis = apis;
        this.backoff = backoff;
        this.deadline = deadline;
        this.counters = counters;
        this.postLatencies = postLatencies;
        this.taps = taps;
        this.onAccepted = onAccepted;
    }

    /** Plays the payment to its end: accepted, or given up at the deadline. */
    void play(PaymentTally tally, SplittableGenerator random) throws InterruptedException {
        PaymentSpec spec = tally.spec();
        Instant giveUpAt = clock.instant().plus(deadline);
        boolean accepted = switch (spec.duplication()) {
            case NONE -> sendUntilAccepted(tally, giveUpAt, random);
            case RETRY_AFTER_LOST_RESPONSE -> {
                post(tally); // the app never reads this answer: the network lost it
                yield sendUntilAccepted(tally, giveUpAt, random);
            }
            case DOUBLE_TAP, TRIPLE_TAP -> tapAtOnce(tally, giveUpAt, random);
        };
        if (!accepted && tally.paymentId() == null) {
            counters.gaveUp.increment();
            PaymentOutcome outcome = tally.outcome();
            log.warn("payment {} (key {}) not accepted within {}: {} POSTs, {} x 409, {} x 5xx, {} without answer, {} x 4xx",
                    spec.index(), spec.idempotencyKey(), deadline, outcome.posts(), outcome.conflicts(),
                    outcome.serverErrors(), outcome.transportErrors(), outcome.clientErrors() + outcome.keyReuseRejections());
        } else if (log.isDebugEnabled()) {
            PaymentOutcome outcome = tally.outcome();
            log.debug("payment {} (key {}, {}) accepted as {} after {} POSTs, {} replays", spec.index(),
                    spec.idempotencyKey(), spec.duplication(), outcome.paymentId(), outcome.posts(), outcome.replays());
        }
    }

    private boolean tapAtOnce(PaymentTally tally, Instant giveUpAt, SplittableGenerator random)
            throws InterruptedException {
        List<Future<Boolean>> all = new ArrayList<>();
        for (int i = 0; i < tally.spec().duplication().sends(); i++) {
            RandomGenerator tapRandom = random.split();
            all.add(taps.submit(() -> sendUntilAccepted(tally, giveUpAt, tapRandom)));
        }
        boolean accepted = false;
        for (Future<Boolean> tap : all) {
            try {
                accepted |= tap.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a tap of payment " + tally.spec().index() + " failed", e.getCause());
            }
        }
        return accepted;
    }

    private boolean sendUntilAccepted(PaymentTally tally, Instant giveUpAt, RandomGenerator random)
            throws InterruptedException {
        for (int retry = 1; ; retry++) {
            Answer answer = post(tally);
            if (answer != null && isAccepted(answer.status())) {
                return true;
            }
            if (answer != null && !isRetryable(answer.status())) {
                return false;
            }
            if (!backoff.waitBefore(retry, giveUpAt, clock, random)) {
                return false;
            }
        }
    }

    /** One POST; {@code null} if no answer came back. */
    private Answer post(PaymentTally tally) throws InterruptedException {
        PaymentSpec spec = tally.spec();
        Instant sent = clock.instant();
        tally.posting(sent);
        counters.posts.increment();
        Answer answer;
        try {
            answer = apis.get(spec.merchant()).createPayment(spec.idempotencyKey(), spec.orderId(), spec.customerId(),
                    spec.amount(), spec.currency());
        } catch (UncheckedIOException e) {
            tally.transportError();
            counters.transportErrors.increment();
            if (apiAnswering.compareAndSet(true, false)) {
                log.info("payment-api stopped answering ({}); apps keep retrying with the same keys",
                        e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName());
            }
            return null;
        } catch (IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("load run closed while payment " + spec.index() + " was sending");
            }
            throw e;
        }
        Instant at = clock.instant();
        postLatencies.record(Duration.between(sent, at));
        if (apiAnswering.compareAndSet(false, true)) {
            log.info("payment-api answers again (HTTP {})", answer.status());
        }
        count(answer);
        if (tally.answered(answer, at)) {
            counters.accepted.increment();
            onAccepted.accept(tally);
        }
        return answer;
    }

    private void count(Answer answer) {
        int status = answer.status();
        if (isAccepted(status) && answer.replayed()) {
            counters.replays.increment();
        } else if (status == 409) {
            counters.conflicts.increment();
        } else if (status >= 500) {
            counters.serverErrors.increment();
        }
    }

    private static boolean isAccepted(int status) {
        return status == 200 || status == 201 || status == 202;
    }

    /** 409 (same key still committing), 408/429 (slow down) and every 5xx: the same key is safe to send again. */
    private static boolean isRetryable(int status) {
        return status == 409 || status == 408 || status == 429 || status >= 500;
    }
}
