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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.SplittableGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * One running {@link RefundPlan} against a {@link RefundBook}: reads through the API the status of
 * the payments the books have not seen settled, draws the refunds from those CONFIRMED with
 * something left (claiming their amounts in the books at once), then sends them at the plan's rate
 * on its own threads, each to its end: accepted, refused, or given up at its deadline.
 *
 * <pre>{@code
 * try (RefundRun run = RefundRun.start(plan, book, Clock.systemUTC())) {
 *     run.awaitFinished(Duration.ofMinutes(5));
 *     List<RefundOutcome> outcomes = run.results();
 * }
 * }</pre>
 */
public final class RefundRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefundRun.class);

    private final RefundPlan plan;
    private final RefundBook book;
    private final Clock clock;
    private final List<ApiClient> apis;
    private final Backoff backoff;
    private final RefundSender sender;
    private final ExecutorService merchants;
    private final ExecutorService coordinator;
    private final List<RefundOutcome> outcomes = new ArrayList<>();
    private final List<String> brokenPromises = new ArrayList<>();
    private CompletableFuture<Void> finished;

    private RefundRun(RefundPlan plan, RefundBook book, Clock clock) {
        this.plan = plan;
        this.book = book;
        this.clock = clock;
        this.apis = plan.apiKeys().stream().map(key -> new ApiClient(plan.apiUrl().toString(), key)).toList();
        this.backoff = new Backoff(plan.backoffInitial(), plan.backoffMax());
        this.sender = new RefundSender(clock, apis, backoff, plan.deadline());
        this.merchants = Executors.newFixedThreadPool(plan.clients(), Thread.ofPlatform().daemon().name("refund-merchant-", 0).factory());
        this.coordinator = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("refund-run").factory());
    }

    /** Starts the plan on its own threads and returns at once. */
    public static RefundRun start(RefundPlan plan, RefundBook book, Clock clock) {
        RefundRun run = new RefundRun(Objects.requireNonNull(plan), Objects.requireNonNull(book), Objects.requireNonNull(clock));
        run.finished = CompletableFuture.runAsync(() -> {
            try {
                run.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, run.coordinator);
        return run;
    }

    private void run() throws InterruptedException {
        SplittableGenerator random = RandomGeneratorFactory.<SplittableGenerator>of("L64X128MixRandom").create(~plan.seed());
        List<Refundable> unchecked = book.unchecked();
        List<Future<?>> lookups = new ArrayList<>();
        for (Refundable payment : unchecked) {
            RandomGenerator jitter = random.split();
            lookups.add(merchants.submit(() -> lookUp(payment, jitter)));
        }
        awaitAll(lookups);
        List<RefundSpec> specs = plan.draw(book.refundable());
        specs.forEach(spec -> book.claim(spec.paymentId(), spec.claims()));
        log.info("refund run {}: {} payments looked up, {} refunds planned ({} resent with their key), {} merchants, seed {}",
                plan.runId(), unchecked.size(), specs.size(), specs.stream().filter(RefundSpec::resend).count(),
                plan.clients(), plan.seed());
        Pacer pacer = new Pacer(clock, plan.ratePerSecond());
        List<Future<?>> sends = new ArrayList<>();
        for (RefundSpec spec : specs) {
            pacer.sleepUntil(pacer.reserve());
            RandomGenerator jitter = random.split();
            sends.add(merchants.submit(() -> {
                RefundOutcome outcome = sender.play(spec, jitter);
                synchronized (this) {
                    outcomes.add(outcome);
                    brokenPromises.addAll(outcome.brokenPromises());
                }
                return null;
            }));
        }
        awaitAll(sends);
        List<RefundOutcome> done = results();
        log.info("refund run {}: {} accepted, {} refused, {} given up, {} POSTs, {} replays", plan.runId(),
                done.stream().filter(RefundOutcome::accepted).count(), done.stream().filter(RefundOutcome::refused).count(),
                done.stream().filter(RefundOutcome::gaveUp).count(), done.stream().mapToInt(RefundOutcome::posts).sum(),
                done.stream().mapToInt(RefundOutcome::replays).sum());
    }

    /** Reads one payment's status, retrying through outages until the plan's deadline. */
    private Void lookUp(Refundable payment, RandomGenerator jitter) throws InterruptedException {
        Instant giveUpAt = clock.instant().plus(plan.deadline());
        for (int retry = 1; ; retry++) {
            try {
                Answer answer = apis.get(payment.merchant()).payment(payment.paymentId());
                if (answer.status() == 200) {
                    book.statusSeen(payment.paymentId(), answer.paymentStatus());
                    return null;
                }
                if (answer.status() < 500) {
                    broken("payment " + payment.paymentId() + ", accepted earlier, answered " + answer.status() + " "
                            + answer.errorCode() + " to its own merchant");
                    return null;
                }
            } catch (UncheckedIOException e) {
                // the API is down: look again after the backoff
            } catch (IllegalStateException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("refund run closed during a status lookup");
                }
                throw e;
            }
            if (!backoff.waitBefore(retry, giveUpAt, clock, jitter)) {
                break;
            }
        }
        log.warn("payment {}: status not readable within {}; not refunded in this run", payment.paymentId(), plan.deadline());
        return null;
    }

    private synchronized void broken(String what) {
        brokenPromises.add(what);
    }

    private static void awaitAll(List<Future<?>> futures) throws InterruptedException {
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a refund merchant failed", e.getCause());
            }
        }
    }

    public RefundPlan plan() {
        return plan;
    }

    /**
     * Waits until every planned refund is accepted, refused or given up.
     *
     * @return whether that happened within {@code timeout}
     */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return LoadRun.awaitDone(finished, timeout, "refund run " + plan.runId());
    }

    /** Refunds that reached their end so far, in the order they did; complete once {@link #awaitFinished} returned true. */
    public synchronized List<RefundOutcome> results() {
        return List.copyOf(outcomes);
    }

    /** Answers that broke an API promise (refunds and status lookups), described without payloads. */
    public synchronized List<String> brokenPromises() {
        return List.copyOf(brokenPromises);
    }

    /** Stops now, refunds in flight included; logs how many were cut short. */
    @Override
    public void close() {
        if (!finished.isDone()) {
            log.info("refund run {} closed with refunds still in flight ({} ended)", plan.runId(), results().size());
        }
        coordinator.shutdownNow();
        merchants.shutdownNow();
        try {
            coordinator.awaitTermination(10, TimeUnit.SECONDS);
            merchants.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
