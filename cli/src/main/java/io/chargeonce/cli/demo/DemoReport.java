package io.chargeonce.cli.demo;

import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.sandbox.ProviderStats;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The demo's closing report, computed only from what the real systems say: the journeys the
 * clients saw through the API, the result and request topics read {@code read_committed}, and the
 * provider's own ledger. Each invariant that breaks names the payments involved.
 */
public final class DemoReport {

    /** What the topics held at the end. Keys are payment ids. */
    public record TopicFacts(
            Map<String, Long> confirmedPerPayment,
            Map<String, Long> failedPerPayment,
            long requestRecords,
            long distinctRequestEvents,
            long deadLetters,
            long abortedResultRecords) {
    }

    /** One broken promise and the payments it concerns. */
    public record Violation(String invariant, Collection<String> paymentIds) {
    }

    private final List<Journey> journeys;
    private final List<ProviderLedger.Charge> charges;
    private final TopicFacts topics;
    private final ProviderStats provider;
    private final Duration elapsed;
    private final List<Violation> violations = new ArrayList<>();

    public DemoReport(List<Journey> journeys, List<ProviderLedger.Charge> charges, TopicFacts topics,
                      ProviderStats provider, Duration elapsed) {
        this.journeys = List.copyOf(journeys);
        this.charges = List.copyOf(charges);
        this.topics = topics;
        this.provider = provider;
        this.elapsed = elapsed;
        check();
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    public boolean holds() {
        return violations.isEmpty();
    }

    public long chargedMoreThanOnce() {
        return succeededChargesPerPayment().values().stream().filter(n -> n > 1).count();
    }

    private Map<String, Long> succeededChargesPerPayment() {
        return charges.stream().filter(ProviderLedger.Charge::succeeded)
                .collect(Collectors.groupingBy(c -> String.valueOf(c.paymentId()), Collectors.counting()));
    }

    private void check() {
        Map<String, Long> charged = succeededChargesPerPayment();
        violate("the provider charged a payment more than once",
                charged.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());

        List<Journey> accepted = journeys.stream().filter(Journey::accepted).toList();
        violate("an accepted payment is still PENDING at the end (silent state)",
                ids(accepted.stream().filter(j -> !j.terminal()).toList()));
        violate("a payment has more than one terminal result event",
                accepted.stream().map(Journey::paymentId)
                        .filter(id -> results(id) > 1).toList());
        violate("a CONFIRMED payment has no confirmed result event, or was not charged exactly once",
                ids(accepted.stream().filter(j -> "CONFIRMED".equals(j.finalStatus()))
                        .filter(j -> topics.confirmedPerPayment().getOrDefault(j.paymentId(), 0L) != 1
                                || charged.getOrDefault(j.paymentId(), 0L) != 1).toList()));
        violate("a FAILED payment has no failed result event, or was charged",
                ids(accepted.stream().filter(j -> "FAILED".equals(j.finalStatus()))
                        .filter(j -> topics.failedPerPayment().getOrDefault(j.paymentId(), 0L) != 1
                                || charged.getOrDefault(j.paymentId(), 0L) != 0).toList()));
        violate("a client saw an unexpected answer (5xx, or a second payment for one key)",
                journeys.stream().filter(j -> j.unexpected() > 0).map(Journey::orderId).toList());
        violate("a reused key with a changed amount was not rejected with 422",
                journeys.stream().filter(j -> j.behaviour() == Behaviour.KEY_REUSE_CHANGED_AMOUNT && j.conflicts() != 1)
                        .map(Journey::orderId).toList());
        violate("a payment request was not accepted", journeys.stream().filter(j -> !j.accepted())
                .map(Journey::orderId).toList());
    }

    private long results(String paymentId) {
        return topics.confirmedPerPayment().getOrDefault(paymentId, 0L) + topics.failedPerPayment().getOrDefault(paymentId, 0L);
    }

    private static List<String> ids(List<Journey> journeys) {
        return journeys.stream().map(Journey::paymentId).toList();
    }

    private void violate(String invariant, Collection<String> ids) {
        if (!ids.isEmpty()) {
            violations.add(new Violation(invariant, ids));
        }
    }

    public void print(PrintStream out) {
        List<Journey> accepted = journeys.stream().filter(Journey::accepted).toList();
        Function<String, Long> withStatus = s -> accepted.stream().filter(j -> s.equals(j.finalStatus())).count();
        long posts = journeys.stream().mapToLong(Journey::posts).sum();
        long replays = journeys.stream().mapToLong(Journey::replays).sum();
        long inProgress = journeys.stream().mapToLong(Journey::inProgress).sum();
        long conflicts = journeys.stream().mapToLong(Journey::conflicts).sum();
        long providerAttempts = charges.size();
        long providerCharges = charges.stream().filter(ProviderLedger.Charge::succeeded).count();
        List<Duration> latencies = journeys.stream().map(Journey::latency).filter(d -> d != null).sorted().toList();

        out.println();
        out.println("chargeonce demo report (read from payment-api, the Kafka topics and the provider's ledger)");
        out.println("-".repeat(88));
        row(out, "payments requested (simulated customers)", journeys.size());
        row(out, "POST /payments calls sent", posts);
        row(out, "payments accepted (202, distinct payment ids)", accepted.size());
        out.println("duplicates absorbed, by layer:");
        row(out, "  API idempotency (Idempotent-Replayed: true)", replays);
        row(out, "  API in-progress (409, retried by the app)", inProgress);
        row(out, "  processor inbox (duplicate events on the request topic)",
                topics.requestRecords() - topics.distinctRequestEvents());
        row(out, "  provider idempotency (same key sent again, stored answer replayed)", provider.replays());
        row(out, "conflicts rejected (same key, changed amount: 422)", conflicts);
        row(out, "confirmed", withStatus.apply("CONFIRMED"));
        row(out, "failed (declined)", withStatus.apply("FAILED"));
        row(out, "needs attention", withStatus.apply("NEEDS_ATTENTION"));
        row(out, "still pending", accepted.stream().filter(j -> !j.terminal()).count());
        row(out, "dead letters", topics.deadLetters());
        row(out, "provider charges (succeeded) / declines", providerCharges + " / " + (providerAttempts - providerCharges));
        row(out, "provider faults injected: 5xx / responses dropped after charging",
                provider.serverErrors() + " / " + provider.droppedResponses());
        row(out, "result records in aborted transactions (invisible to read_committed)", topics.abortedResultRecords());
        row(out, "payments charged more than once", chargedMoreThanOnce());
        row(out, "journey latency POST -> final status visible, p50 / p99",
                percentile(latencies, 50) + " / " + percentile(latencies, 99));
        row(out, "elapsed", elapsed.toMillis() / 1000.0 + " s");
        out.println("-".repeat(88));
        if (holds()) {
            out.println("every invariant holds: each payment charged at most once, exactly one result each, no silent state");
        } else {
            for (Violation v : violations) {
                out.println("VIOLATED: " + v.invariant() + " (" + v.paymentIds().size() + "): "
                        + v.paymentIds().stream().limit(10).collect(Collectors.joining(", ")));
            }
        }
    }

    private static void row(PrintStream out, String label, Object value) {
        out.printf("%-72s %s%n", label, value);
    }

    static String percentile(List<Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return "n/a";
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))).toMillis() + " ms";
    }
}
