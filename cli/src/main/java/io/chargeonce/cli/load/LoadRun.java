package io.chargeonce.cli.load;

import io.chargeonce.cli.demo.ApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator.SplittableGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * One running {@link LoadPlan}: its clients, its status poller, its counters and, at any time, what
 * each payment has seen so far. Payment n of a seed is always the same request (merchant, amount,
 * duplication, key), whichever client happens to send it.
 */
public final class LoadRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadRun.class);
    private static final Duplication[] DUPLICATES =
            {Duplication.RETRY_AFTER_LOST_RESPONSE, Duplication.DOUBLE_TAP, Duplication.TRIPLE_TAP};

    private final LoadPlan plan;
    private final Clock clock;
    private final String runId;
    private final LoadCounters counters = new LoadCounters();
    private final Latencies postLatencies = new Latencies();
    private final List<PaymentTally> tallies = new ArrayList<>();
    private final SplittableGenerator random;
    private final Pacer pacer;
    private final StatusPoller poller;
    private final PaymentSender sender;
    private final ExecutorService clients;
    private final ExecutorService taps = Executors.newVirtualThreadPerTaskExecutor();
    private final CompletableFuture<Void> generated = new CompletableFuture<>();
    private final CompletableFuture<Void> finished;
    private Instant startedAt;
    private Instant endAt;
    private volatile Instant generationEndedAt;
    private int nextIndex;
    private boolean stopped;

    LoadRun(LoadPlan plan, Clock clock) {
        this.plan = plan;
        this.clock = clock;
        this.runId = plan.runId() != null ? plan.runId()
                : Long.toString(clock.millis(), 36) + "-" + Long.toString(Math.abs(plan.seed() % 1_000_000), 36);
        this.random = RandomGeneratorFactory.<SplittableGenerator>of("L64X128MixRandom").create(plan.seed());
        this.pacer = new Pacer(clock, plan.ratePerSecond());
        List<ApiClient> apis = plan.apiKeys().stream().map(key -> new ApiClient(plan.apiUrl().toString(), key)).toList();
        this.poller = new StatusPoller(clock, plan.statusPolling(), apis, counters);
        this.sender = new PaymentSender(clock, apis, new Backoff(plan.backoffInitial(), plan.backoffMax()),
                plan.paymentDeadline(), counters, postLatencies, taps, poller::follow);
        this.clients = Executors.newFixedThreadPool(plan.clients(),
                Thread.ofPlatform().daemon().name("load-client-", 0).factory());
        this.finished = generated.thenCompose(ignored -> poller.done());
    }

    void start() {
        synchronized (this) {
            startedAt = clock.instant();
            endAt = plan.duration() == null ? null : startedAt.plus(plan.duration());
        }
        log.info("load run {}: {} clients, {} payments/s, for {} / {} payments, duplicate ratio {}, {} merchants, seed {}",
                runId, plan.clients(), plan.ratePerSecond() > 0 ? plan.ratePerSecond() : "max",
                plan.duration() == null ? "any time" : plan.duration().toMillis() + " ms",
                plan.payments() > 0 ? plan.payments() : "any number of", plan.duplicateRatio(), plan.apiKeys().size(),
                plan.seed());
        poller.start();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < plan.clients(); i++) {
            all.add(CompletableFuture.runAsync(this::clientLoop, clients));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            generationEndedAt = clock.instant();
            poller.noMoreToFollow();
            clients.shutdown();
            taps.shutdown();
            if (error != null) {
                log.error("load run {}: a client failed", runId, error);
            }
            LoadProgress p = counters.snapshot();
            log.info("load run {}: clients done, {} payments, {} accepted, {} given up, {} POSTs, {} replays",
                    runId, p.started(), p.accepted(), p.gaveUp(), p.posts(), p.replays());
            generated.complete(null);
        });
    }

    private void clientLoop() {
        try {
            Claim claim;
            while ((claim = claimNext()) != null) {
                pacer.sleepUntil(claim.tally().spec().startAt());
                counters.started.increment();
                try {
                    sender.play(claim.tally(), claim.random());
                } catch (RuntimeException e) {
                    // a bug or an answer nobody planned for: this payment's outcome says what it saw, the run goes on
                    log.error("load run {}: payment {} (key {}) stopped by an unexpected error", runId,
                            claim.tally().spec().index(), claim.tally().spec().idempotencyKey(), e);
                } finally {
                    counters.finished.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A payment handed to a client, with its own generator for backoff jitter (split from the seed in index order). */
    private record Claim(PaymentTally tally, SplittableGenerator random) {
    }

    /** The next payment and its start slot, drawn in index order; {@code null} once a bound is reached. */
    private synchronized Claim claimNext() {
        if (stopped || (plan.payments() > 0 && nextIndex >= plan.payments())) {
            return null;
        }
        Instant slot = pacer.reserve();
        if (endAt != null && !slot.isBefore(endAt)) {
            stopped = true;
            return null;
        }
        int index = nextIndex++;
        int merchant = random.nextInt(plan.apiKeys().size());
        long amount = 100 + random.nextLong(99_900);
        boolean duplicate = random.nextDouble() < plan.duplicateRatio();
        Duplication duplication = DUPLICATES[random.nextInt(DUPLICATES.length)];
        boolean decline = random.nextDouble() < plan.declineRatio();
        boolean follow = random.nextDouble() < plan.statusPolling().sampleRatio();
        String id = runId + "-" + index;
        PaymentSpec spec = new PaymentSpec(index, merchant, "load-" + id, "order-" + id,
                (decline ? "cus_decline_" : "cus_") + id.replace('-', '_'), amount, "EUR",
                duplicate ? duplication : Duplication.NONE, follow, slot);
        PaymentTally tally = new PaymentTally(spec);
        tallies.add(tally);
        return new Claim(tally, random.split());
    }

    public LoadPlan plan() {
        return plan;
    }

    /** Part of every key and order id of this run. */
    public String runId() {
        return runId;
    }

    public synchronized Instant startedAt() {
        return startedAt;
    }

    /** When the last client stopped sending, once it has. */
    public Optional<Instant> generationEndedAt() {
        return Optional.ofNullable(generationEndedAt);
    }

    public LoadProgress progress() {
        return counters.snapshot();
    }

    /** Followed payments whose final status is not visible yet. */
    public int statusPending() {
        return poller.following();
    }

    /** Round trip of every answered POST. */
    public Latencies postLatencies() {
        return postLatencies;
    }

    /** Stops starting payments; those in flight go on to acceptance (or their deadline) and are still followed. */
    public synchronized void stop() {
        stopped = true;
    }

    /**
     * Waits until every client has stopped and every followed payment is final (or given up).
     *
     * @return whether that happened within {@code timeout}
     */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return awaitDone(finished, timeout, "load run " + runId);
    }

    /** Whether {@code run} completed within {@code timeout}; its failure is rethrown naming {@code what}. */
    static boolean awaitDone(CompletableFuture<Void> run, Duration timeout, String what) throws InterruptedException {
        try {
            run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }

    public boolean isFinished() {
        return finished.isDone();
    }

    /** What each payment has seen so far, in index order; complete once {@link #awaitFinished} returned true. */
    public List<PaymentOutcome> results() {
        List<PaymentTally> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(tallies);
        }
        return snapshot.stream().map(PaymentTally::outcome).toList();
    }

    /** Stops everything now, payments in flight included; logs how many were cut short. */
    @Override
    public void close() {
        stop();
        LoadProgress p = counters.snapshot();
        if (!finished.isDone()) {
            log.info("load run {} closed with {} payments in flight and {} followed payments not final yet",
                    runId, p.inFlight(), poller.following());
        }
        clients.shutdownNow();
        taps.shutdownNow();
        poller.interrupt();
        try {
            clients.awaitTermination(10, TimeUnit.SECONDS);
            taps.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
