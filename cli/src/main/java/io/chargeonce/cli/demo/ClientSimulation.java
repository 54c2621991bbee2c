package io.chargeonce.cli.demo;

import io.chargeonce.cli.demo.ApiClient.Answer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Plays customers' apps against payment-api: retries after lost responses, triple taps, key reuse
 * with a changed amount, declined cards. Every app then polls until its payment's status is final,
 * which gives the journey latency (first POST → terminal status visible through the API).
 */
public final class ClientSimulation {

    private static final Set<String> TERMINAL = Set.of("CONFIRMED", "FAILED", "NEEDS_ATTENTION");

    /** What to play: how many payments, how many apps at once, the seed, and how long a journey may take. */
    public record Plan(int payments, int concurrentClients, long seed, Duration journeyDeadline) {
    }

    private final ApiClient api;
    private final Plan plan;
    private final AtomicInteger posted = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();

    public ClientSimulation(ApiClient api, Plan plan) {
        this.api = api;
        this.plan = plan;
    }

    public int posted() {
        return posted.get();
    }

    public int finished() {
        return finished.get();
    }

    public List<Journey> run() {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(plan.seed());
        List<CompletableFuture<Journey>> journeys = new ArrayList<>();
        try (ExecutorService apps = Executors.newFixedThreadPool(plan.concurrentClients());
             ExecutorService taps = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < plan.payments(); i++) {
                Behaviour behaviour = pick(random);
                long amount = 100 + random.nextLong(99_900);
                String orderId = "order-" + plan.seed() + "-" + i;
                journeys.add(CompletableFuture.supplyAsync(() -> play(orderId, behaviour, amount, taps), apps));
            }
            return journeys.stream().map(CompletableFuture::join).toList();
        }
    }

    private static Behaviour pick(RandomGenerator random) {
        int roll = random.nextInt(100);
        if (roll < 50) return Behaviour.CALM;
        if (roll < 72) return Behaviour.FLAKY_NETWORK;
        if (roll < 87) return Behaviour.TRIPLE_TAP;
        if (roll < 94) return Behaviour.KEY_REUSE_CHANGED_AMOUNT;
        return Behaviour.DECLINED_CARD;
    }

    private Journey play(String orderId, Behaviour behaviour, long amount, ExecutorService taps) {
        String key = UUID.randomUUID().toString();
        String customer = behaviour == Behaviour.DECLINED_CARD ? "cus_decline_" + orderId : "cus_" + orderId;
        Tally tally = new Tally();
        long start = System.nanoTime();
        switch (behaviour) {
            case CALM, DECLINED_CARD -> tally.add(post(key, orderId, customer, amount, tally));
            case FLAKY_NETWORK -> {
                // the first answers are "lost": the app never sees them and taps again with the same key
                tally.add(post(key, orderId, customer, amount, tally));
                tally.add(post(key, orderId, customer, amount, tally));
                tally.add(post(key, orderId, customer, amount, tally));
            }
            case TRIPLE_TAP -> {
                List<CompletableFuture<Answer>> three = List.of(
                        CompletableFuture.supplyAsync(() -> post(key, orderId, customer, amount, tally), taps),
                        CompletableFuture.supplyAsync(() -> post(key, orderId, customer, amount, tally), taps),
                        CompletableFuture.supplyAsync(() -> post(key, orderId, customer, amount, tally), taps));
                three.forEach(tap -> tally.add(tap.join()));
            }
            case KEY_REUSE_CHANGED_AMOUNT -> {
                tally.add(post(key, orderId, customer, amount, tally));
                tally.add(post(key, orderId, customer, amount + 1, tally));
            }
        }
        String finalStatus = tally.paymentId == null ? null : awaitFinalStatus(tally.paymentId);
        Duration latency = TERMINAL.contains(finalStatus) ? Duration.ofNanos(System.nanoTime() - start) : null;
        finished.incrementAndGet();
        return new Journey(orderId, behaviour, tally.paymentId, tally.posts, tally.replays, tally.conflicts,
                tally.inProgress, tally.unexpected, finalStatus, latency);
    }

    /** One tap; a 409 (the first tap still committing) is retried after the app's own short back-off. */
    private Answer post(String key, String orderId, String customer, long amount, Tally tally) {
        for (int tries = 1; ; tries++) {
            posted.incrementAndGet();
            Answer answer = api.createPayment(key, orderId, customer, amount, "EUR");
            if (answer.status() != 409 || tries == 20) {
                return answer;
            }
            tally.sawInProgress();
            pause(Duration.ofMillis(100));
        }
    }

    private String awaitFinalStatus(String paymentId) {
        long deadline = System.nanoTime() + plan.journeyDeadline().toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            Answer answer = api.payment(paymentId);
            status = answer.paymentStatus();
            if (TERMINAL.contains(status)) {
                return status;
            }
            pause(Duration.ofMillis(20));
        }
        return status;
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("client simulation interrupted", e);
        }
    }

    /** Accumulates what one app saw across its taps. */
    private static final class Tally {
        String paymentId;
        int posts;
        int replays;
        int conflicts;
        int inProgress;
        int unexpected;

        synchronized void sawInProgress() {
            posts++;
            inProgress++;
        }

        synchronized void add(Answer answer) {
            posts++;
            switch (answer.status()) {
                case 202 -> {
                    if (answer.replayed()) replays++;
                    if (paymentId == null) paymentId = answer.paymentId();
                    else if (!paymentId.equals(answer.paymentId())) unexpected++; // a second payment: must never happen
                }
                case 422 -> conflicts++;
                default -> unexpected++;
            }
        }
    }
}
