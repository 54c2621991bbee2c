package io.chargeonce.cli.load;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Follows accepted payments through {@code GET /payments/{id}} until their status is terminal.
 * Each payment is polled less often the longer it stays pending, polls are served in the order they
 * are due, and all of them share one rate cap: when the cap binds, payments are polled later instead
 * of the API getting more. The journey's end is the API's own {@code updatedAt}, so late polls
 * delay noticing it, not its date.
 */
final class StatusPoller {

    private static final Logger log = LoggerFactory.getLogger(StatusPoller.class);

    private final Clock clock;
    private final LoadPlan.StatusPolling settings;
    private final List<ApiClient> apis;
    private final LoadCounters counters;
    private final Pacer pacer;
    private final DelayQueue<Poll> due = new DelayQueue<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean noMoreToFollow;
    private final List<Thread> threads;

    StatusPoller(Clock clock, LoadPlan.StatusPolling settings, List<ApiClient> apis, LoadCounters counters) {
        this.clock = clock;
        this.settings = settings;
        this.apis = apis;
        this.counters = counters;
        this.pacer = new Pacer(clock, settings.maxPerSecond());
        int count = settings.enabled() ? settings.threads() : 0;
        this.threads = IntStream.range(0, count)
                .mapToObj(i -> Thread.ofPlatform().daemon().name("load-status-" + i).unstarted(this::pollLoop))
                .toList();
        if (threads.isEmpty()) {
            done.complete(null);
        }
    }

    void start() {
        running.set(threads.size());
        threads.forEach(Thread::start);
    }

    /** Starts following a payment its app just saw accepted, if it is in the sample. */
    void follow(PaymentTally tally) {
        if (settings.enabled() && tally.spec().followStatus()) {
            Instant accepted = tally.acceptedAt();
            due.add(new Poll(tally, accepted.plus(settings.firstPollAfter()), accepted.plus(settings.deadline()),
                    settings.interval()));
        }
    }

    /** No payment will be accepted any more: the poller ends once every followed one is settled or given up. */
    void noMoreToFollow() {
        noMoreToFollow = true;
        pacer.rate(settings.drainPerSecond());
    }

    CompletableFuture<Void> done() {
        return done;
    }

    void interrupt() {
        threads.forEach(Thread::interrupt);
    }

    int following() {
        return due.size();
    }

    private void pollLoop() {
        try {
            while (true) {
                Poll poll = due.poll(50, TimeUnit.MILLISECONDS);
                if (poll == null) {
                    // a thread that holds a poll re-queues it before it looks again, so "empty" here is final
                    if (noMoreToFollow && due.isEmpty()) {
                        return;
                    }
                    continue;
                }
                pacer.sleepUntil(pacer.reserve());
                check(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (running.decrementAndGet() == 0) {
                done.complete(null);
            }
        }
    }

    private void check(Poll poll) {
        PaymentTally tally = poll.tally;
        counters.statusPolls.increment();
        Instant now;
        try {
            Answer answer = apis.get(tally.spec().merchant()).payment(tally.paymentId());
            now = clock.instant();
            String status = answer.status() == 200 ? answer.paymentStatus() : null;
            if (status != null) {
                boolean terminal = PaymentOutcome.TERMINAL_STATUSES.contains(status);
                tally.statusSeen(status, now, updatedAt(answer), terminal);
                if (terminal) {
                    counters.finalVisible.increment();
                    return;
                }
            }
        } catch (UncheckedIOException e) {
            now = clock.instant(); // the API is down: keep following, its deadline still applies
        } catch (IllegalStateException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // closing: the next wait of the loop ends it
            }
            throw e;
        }
        if (now.isBefore(poll.giveUpAt)) {
            Duration doubled = poll.wait.multipliedBy(2);
            Duration next = doubled.compareTo(settings.maxInterval()) < 0 ? doubled : settings.maxInterval();
            due.add(new Poll(tally, now.plus(poll.wait), poll.giveUpAt, next));
        } else {
            log.warn("payment {} ({}) still not final {} after it was accepted; no longer followed",
                    tally.spec().index(), tally.paymentId(), settings.deadline());
        }
    }

    private static Instant updatedAt(Answer answer) {
        String text = answer.body().path("updatedAt").asText(null);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One due status check, and how long to wait before the one after it if the payment is still pending. */
    private final class Poll implements Delayed {
        final PaymentTally tally;
        final Instant at;
        final Instant giveUpAt;
        final Duration wait;

        Poll(PaymentTally tally, Instant at, Instant giveUpAt, Duration wait) {
            this.tally = tally;
            this.at = at;
            this.giveUpAt = giveUpAt;
            this.wait = wait;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), at));
        }

        @Override
        public int compareTo(Delayed other) {
            return at.compareTo(((Poll) other).at);
        }
    }
}
