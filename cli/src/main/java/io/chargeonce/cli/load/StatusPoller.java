package io.chargeonce.cli.load;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Follows accepted payments through {@code GET /payments/{id}} until their status is terminal,
 * which dates the end of each journey. Polls are ordered by when they are due, and all of them
 * share one rate cap: when the cap binds, payments are polled less often (the visible time gets
 * coarser, as {@link PaymentOutcome#lastPendingSeenAt()} shows) instead of the API getting more.
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
            due.add(new Poll(tally, accepted.plus(settings.firstPollAfter()), accepted.plus(settings.deadline())));
        }
    }

    /** No payment will be accepted any more: the poller ends once every followed one is settled or given up. */
    void noMoreToFollow() {
        noMoreToFollow = true;
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
                tally.statusSeen(status, now, terminal);
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
            due.add(new Poll(tally, now.plus(settings.interval()), poll.giveUpAt));
        } else {
            log.warn("payment {} ({}) still not final {} after it was accepted; no longer followed",
                    tally.spec().index(), tally.paymentId(), settings.deadline());
        }
    }

    /** One due status check. */
    private final class Poll implements Delayed {
        final PaymentTally tally;
        final Instant at;
        final Instant giveUpAt;

        Poll(PaymentTally tally, Instant at, Instant giveUpAt) {
            this.tally = tally;
            this.at = at;
            this.giveUpAt = giveUpAt;
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
