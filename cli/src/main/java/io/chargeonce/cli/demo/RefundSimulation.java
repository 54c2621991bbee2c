package io.chargeonce.cli.demo;

import io.chargeonce.cli.demo.ApiClient.Answer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Plays merchants refunding settled payments through payment-api: full and partial refunds, a
 * refund re-sent with its key after a lost response, two partial refunds of one payment followed by
 * one asking more than is left (422), and one of a declined payment (409). Then waits, bounded,
 * until every accepted refund is decided, reading each status through the API.
 */
public final class RefundSimulation {

    /**
     * Statuses a refund keeps without an operator. NEEDS_ATTENTION is one of them: waiting longer
     * cannot settle it, and the report shows it instead of hiding it among the pending.
     */
    private static final Set<String> DECIDED = Set.of("SUCCEEDED", "FAILED", "NEEDS_ATTENTION");

    /** The behaviours every run plays at least once, in this order, before the seeded draw. */
    private static final List<RefundBehaviour> ALWAYS = List.of(RefundBehaviour.TWO_PARTIALS_THEN_TOO_MUCH,
            RefundBehaviour.LOST_RESPONSE, RefundBehaviour.FULL, RefundBehaviour.PARTIAL);

    /**
     * What to play.
     *
     * @param share          share of the CONFIRMED payments refunded (at least {@link #ALWAYS}'s size
     *                       when that many exist): refunds ride on the payments' road, so a tenth keeps
     *                       the demo's time about the same
     * @param settleDeadline how long accepted refunds may take to be decided after the last was asked for
     */
    public record Plan(double share, int concurrentMerchants, long seed, Duration settleDeadline) {
    }

    /**
     * What the merchants saw.
     *
     * @param statusByRefund every accepted refund's last status read through the API
     */
    public record Outcome(List<RefundCase> cases, Map<String, String> statusByRefund) {
        public Outcome {
            cases = List.copyOf(cases);
            statusByRefund = Map.copyOf(statusByRefund);
        }

        public long withStatus(String status) {
            return statusByRefund.values().stream().filter(status::equals).count();
        }

        public List<String> undecided() {
            return statusByRefund.entrySet().stream().filter(e -> !DECIDED.contains(e.getValue()))
                    .map(Map.Entry::getKey).sorted().toList();
        }
    }

    private final ApiClient api;
    private final Plan plan;

    public RefundSimulation(ApiClient api, Plan plan) {
        this.api = api;
        this.plan = plan;
    }

    /** Refunds some of the journeys' CONFIRMED payments and one declined payment, then waits for the decisions. */
    public Outcome run(List<Journey> journeys) {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(plan.seed());
        List<String> confirmed = new ArrayList<>(journeys.stream()
                .filter(j -> "CONFIRMED".equals(j.finalStatus())).map(Journey::paymentId).toList());
        Collections.shuffle(confirmed, random);
        int count = Math.min(confirmed.size(), Math.max(ALWAYS.size(), (int) Math.round(confirmed.size() * plan.share())));

        List<CompletableFuture<RefundCase>> cases = new ArrayList<>();
        try (ExecutorService merchants = Executors.newFixedThreadPool(plan.concurrentMerchants())) {
            for (int i = 0; i < count; i++) {
                RefundBehaviour behaviour = i < ALWAYS.size() ? ALWAYS.get(i) : pick(random);
                String paymentId = confirmed.get(i);
                long seed = random.nextLong();
                cases.add(CompletableFuture.supplyAsync(() -> play(paymentId, behaviour, seed), merchants));
            }
            String declined = declinedPayment(journeys);
            if (declined != null) {
                cases.add(CompletableFuture.supplyAsync(() -> play(declined, RefundBehaviour.NOT_CONFIRMED, 0), merchants));
            }
            List<RefundCase> played = cases.stream().map(CompletableFuture::join).toList();
            return new Outcome(played, awaitDecided(played));
        }
    }

    private static RefundBehaviour pick(RandomGenerator random) {
        int roll = random.nextInt(100);
        if (roll < 40) return RefundBehaviour.PARTIAL;
        if (roll < 75) return RefundBehaviour.FULL;
        return RefundBehaviour.LOST_RESPONSE;
    }

    /**
     * A payment that ended FAILED. A small run may have no declined journey; then one more payment
     * with a card the provider always declines is made and awaited, so the 409 is always shown.
     */
    private String declinedPayment(List<Journey> journeys) {
        return journeys.stream().filter(j -> "FAILED".equals(j.finalStatus())).map(Journey::paymentId).findFirst()
                .orElseGet(() -> {
                    String order = "order-" + plan.seed() + "-refund-declined";
                    Answer answer = api.createPayment(UUID.randomUUID().toString(), order, "cus_decline_" + order, 1_000, "EUR");
                    return answer.status() == 202 && "FAILED".equals(awaitPayment(answer.paymentId())) ? answer.paymentId() : null;
                });
    }

    private String awaitPayment(String paymentId) {
        long deadline = System.nanoTime() + plan.settleDeadline().toNanos();
        String status = api.payment(paymentId).paymentStatus();
        while ("PENDING".equals(status) && System.nanoTime() < deadline) {
            ClientSimulation.pause(Duration.ofMillis(20));
            status = api.payment(paymentId).paymentStatus();
        }
        return status;
    }

    private RefundCase play(String paymentId, RefundBehaviour behaviour, long seed) {
        Merchant merchant = new Merchant(paymentId);
        long amount = api.payment(paymentId).body().path("amount").asLong();
        switch (behaviour) {
            case FULL -> merchant.expectAccepted(null, "requested_by_customer");
            case PARTIAL -> merchant.expectAccepted(1 + Math.floorMod(seed, amount - 1), null);
            case LOST_RESPONSE -> merchant.expectReplayedAfterLoss(amount / 2, "duplicate");
            case TWO_PARTIALS_THEN_TOO_MUCH -> {
                long third = amount / 3;
                merchant.expectAccepted(third, null);
                merchant.expectAccepted(third, "requested_by_customer");
                merchant.expectRefused(amount - 2 * third + 1, 422, "refund_exceeds_payment");
            }
            case NOT_CONFIRMED -> merchant.expectRefused(null, 409, "payment_not_refundable");
        }
        return merchant.done(behaviour);
    }

    /** Polls every refunded payment's list of refunds until none of the accepted refunds is undecided. */
    private Map<String, String> awaitDecided(List<RefundCase> cases) {
        Map<String, String> status = new LinkedHashMap<>();
        cases.forEach(c -> c.refundIds().forEach(id -> status.put(id, "PENDING")));
        long deadline = System.nanoTime() + plan.settleDeadline().toNanos();
        List<RefundCase> open = new ArrayList<>(cases.stream().filter(c -> !c.refundIds().isEmpty()).toList());
        while (!open.isEmpty()) {
            open.removeIf(c -> {
                for (var refund : api.refunds(c.paymentId()).body().path("refunds")) {
                    status.computeIfPresent(refund.path("refundId").asText(), (id, old) -> refund.path("status").asText(old));
                }
                return c.refundIds().stream().allMatch(id -> DECIDED.contains(status.get(id)));
            });
            if (open.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            ClientSimulation.pause(Duration.ofMillis(50));
        }
        return status;
    }

    /** One merchant refunding one payment: sends the requests and keeps what came back. */
    private final class Merchant {
        private final String paymentId;
        private final List<String> refundIds = new ArrayList<>();
        private final List<String> surprises = new ArrayList<>();
        private int posts;
        private int replays;
        private int refusedNotConfirmed;
        private int refusedOverAmount;

        Merchant(String paymentId) {
            this.paymentId = paymentId;
        }

        Answer post(String key, Long amount, String reason) {
            posts++;
            return api.createRefund(paymentId, key, amount, reason);
        }

        void expectAccepted(Long amount, String reason) {
            accepted(post(UUID.randomUUID().toString(), amount, reason));
        }

        /** The first answer never reaches the merchant; the same key again must replay it byte for byte. */
        void expectReplayedAfterLoss(long amount, String reason) {
            String key = UUID.randomUUID().toString();
            Answer lost = post(key, amount, reason);
            Answer again = post(key, amount, reason);
            if (lost.status() == 202 && again.status() == 202 && again.replayed() && again.text().equals(lost.text())) {
                replays++;
            } else if (lost.status() == 202) {
                surprises.add("the same key again answered " + again.status() + " replayed=" + again.replayed()
                        + (again.status() == 202 ? " with another body" : ""));
            }
            accepted(lost);
        }

        void expectRefused(Long amount, int status, String code) {
            Answer answer = post(UUID.randomUUID().toString(), amount, null);
            if (answer.status() == status && code.equals(answer.errorCode())) {
                if (status == 409) refusedNotConfirmed++;
                else refusedOverAmount++;
            } else {
                surprises.add("expected " + status + " " + code + ", got " + answer.status() + " " + answer.errorCode());
            }
        }

        private void accepted(Answer answer) {
            String expectedLocation = "/payments/" + paymentId + "/refunds/" + answer.refundId();
            if (answer.status() != 202) {
                surprises.add("expected 202, got " + answer.status() + " " + answer.errorCode());
            } else if (!"PENDING".equals(answer.paymentStatus()) || answer.location() == null
                    || !answer.location().endsWith(expectedLocation)) {
                surprises.add("202 without status PENDING and its Location");
                refundIds.add(answer.refundId());
            } else {
                refundIds.add(answer.refundId());
            }
        }

        RefundCase done(RefundBehaviour behaviour) {
            return new RefundCase(paymentId, behaviour, refundIds, posts, replays, refusedNotConfirmed, refusedOverAmount, surprises);
        }
    }
}
