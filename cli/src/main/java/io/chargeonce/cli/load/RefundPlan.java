package io.chargeonce.cli.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * What a {@link RefundRun} plays: merchants refunding a seeded share of the payments their books
 * show CONFIRMED, partially or in full, some re-sent with the same Idempotency-Key after a lost
 * answer, each retried with that key through outages until its deadline. Every amount is drawn to
 * fit what the books leave of the payment, so a refusal ({@code 409 payment_not_refundable},
 * {@code 422 refund_exceeds_payment}) is never planned: the API giving one is a broken promise.
 *
 * @param apiUrl         payment-api base URL
 * @param apiKeys        merchants' API keys, indexed like the {@link LoadPlan} that made the payments
 * @param share          share of the refundable payments refunded; 0.25 touches enough payments to see
 *                       every kind of refund under a fault without doubling the work of a row
 * @param maxRefunds     cap on refunds per run, so a run late in a long series stays as small as an early one
 * @param fullRatio      share of refunds that leave the amount out (the whole rest); the others ask for part
 * @param resendRatio    share of refunds sent twice with one key, the first answer unread (a lost response)
 * @param ratePerSecond  refunds started per second: low enough that they are still in flight when a fault
 *                       lands in the middle of the payments; 0 = all at once
 * @param clients        merchants refunding at the same time
 * @param seed           seed of every draw (which payments, amounts, resends, reasons, jitter)
 * @param runId          part of every Idempotency-Key, so runs against one system never share a key
 * @param deadline       how long a merchant keeps retrying one refund (same key) through refused
 *                       connections, 5xx and 409 request_in_progress before giving up and recording it
 * @param backoffInitial first retry delay, doubling with jitter up to {@code backoffMax}
 * @param backoffMax     cap of the retry delay: low notices a recovered API sooner, high loads a struggling one less
 */
public record RefundPlan(URI apiUrl, List<String> apiKeys, double share, int maxRefunds, double fullRatio,
                         double resendRatio, double ratePerSecond, int clients, long seed, String runId,
                         Duration deadline, Duration backoffInitial, Duration backoffMax) {

    /** Refund reasons are free text the API must pass on and never log; half the refunds carry one. */
    private static final String REASON = "requested_by_customer";

    public RefundPlan {
        apiKeys = List.copyOf(apiKeys);
        List<String> problems = new ArrayList<>();
        if (apiUrl == null || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))) {
            problems.add("apiUrl must be an http(s) URL, got " + apiUrl);
        }
        if (apiKeys.isEmpty()) {
            problems.add("at least one merchant API key is needed");
        }
        for (double ratio : new double[] {share, fullRatio, resendRatio}) {
            if (!(ratio >= 0 && ratio <= 1)) {
                problems.add("share, fullRatio and resendRatio must be 0..1, got " + ratio);
            }
        }
        if (maxRefunds < 0 || clients < 1 || !(ratePerSecond >= 0)) {
            problems.add("maxRefunds >= 0, clients >= 1 and ratePerSecond >= 0 are needed");
        }
        if (runId == null || !runId.matches("[A-Za-z0-9_-]{1,40}")) {
            problems.add("runId must be 1..40 letters, digits, '_' or '-', got " + runId);
        }
        if (deadline == null || !deadline.isPositive() || backoffInitial == null || !backoffInitial.isPositive()
                || backoffMax == null || backoffMax.compareTo(backoffInitial) < 0) {
            problems.add("deadline and backoffInitial must be positive and backoffMax >= backoffInitial");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid refund plan: " + String.join("; ", problems));
        }
    }

    /**
     * The matrix's defaults: a quarter of the refundable payments, at most {@code maxRefunds}, a third
     * in full, 30% resent, 3 merchants at once, retried for 3 minutes with 50 ms..1 s backoff.
     */
    public static RefundPlan of(String apiUrl, List<String> apiKeys, int maxRefunds, double ratePerSecond, long seed,
                                String runId) {
        return new RefundPlan(URI.create(apiUrl), apiKeys, 0.25, maxRefunds, 0.35, 0.3, ratePerSecond, 3, seed, runId,
                Duration.ofMinutes(3), Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /** How many of {@code refundable} payments a run refunds: the share, rounded up, capped. */
    public int count(int refundable) {
        return Math.min(maxRefunds, (int) Math.ceil(refundable * share));
    }

    /**
     * Draws the refunds of a run from the payments the books show CONFIRMED with something left:
     * {@link #count} distinct payments in a seeded order, each with an amount that fits what is left
     * (in full, or 1..left-1). The same seed and payments give the same refunds.
     */
    public List<RefundSpec> draw(List<Refundable> refundable) {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        List<Refundable> order = new ArrayList<>(refundable);
        Collections.shuffle(order, random);
        List<RefundSpec> specs = new ArrayList<>();
        for (Refundable payment : order.subList(0, count(order.size()))) {
            long left = payment.remaining();
            boolean full = left < 2 || random.nextDouble() < fullRatio;
            Long amount = full ? null : 1 + random.nextLong(left - 1);
            String reason = random.nextBoolean() ? REASON : null;
            boolean resend = random.nextDouble() < resendRatio;
            int index = specs.size();
            specs.add(new RefundSpec(index, payment.paymentId(), payment.merchant(), "refund-" + runId + "-" + index,
                    amount, full ? left : amount, reason, resend));
        }
        return specs;
    }
}
