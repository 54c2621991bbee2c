package io.chargeonce.cli.demo;

import io.chargeonce.cli.verify.Statistics;
import io.chargeonce.cli.verify.Verdict;
import io.chargeonce.sandbox.ProviderStats;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The demo's closing report, computed only from what the real systems say: the journeys the
 * clients saw through the API, and the {@link Verdict} of the history verifier over payment-api's
 * table, every topic ({@code read_committed}) and the provider's own ledger. The history's
 * invariants are the verifier's; the report adds the promises only the clients can judge (answers
 * they got, keys reused with another amount, payments still PENDING when they gave up) and the
 * {@link RefundReport refunds} block.
 */
public final class DemoReport {

    /** A broken promise that only the clients saw, and the orders or payments it concerns. */
    public record Violation(String invariant, Collection<String> ids) {
    }

    private final List<Journey> journeys;
    private final Verdict verdict;
    private final ProviderStats provider;
    private final RefundReport refunds;
    private final Duration elapsed;
    private final List<Violation> clientViolations = new ArrayList<>();

    public DemoReport(List<Journey> journeys, RefundReport refunds, Verdict verdict, ProviderStats provider, Duration elapsed) {
        this.journeys = List.copyOf(journeys);
        this.refunds = refunds;
        this.verdict = verdict;
        this.provider = provider;
        this.elapsed = elapsed;
        checkClients();
        clientViolations.addAll(refunds.violations());
    }

    /** What the clients saw go wrong; the history's violations are in {@link #verdict()}. */
    public List<Violation> clientViolations() {
        return List.copyOf(clientViolations);
    }

    public Verdict verdict() {
        return verdict;
    }

    public boolean holds() {
        return clientViolations.isEmpty() && verdict.holds();
    }

    public long chargedMoreThanOnce() {
        return verdict.statistics().chargedTwice();
    }

    private void checkClients() {
        List<Journey> accepted = journeys.stream().filter(Journey::accepted).toList();
        violate("an accepted payment was still PENDING when its client gave up (silent state)",
                accepted.stream().filter(j -> !j.terminal()).map(Journey::paymentId).toList());
        violate("a client saw an unexpected answer (5xx, or a second payment for one key)",
                journeys.stream().filter(j -> j.unexpected() > 0).map(Journey::orderId).toList());
        violate("a reused key with a changed amount was not rejected with 422",
                journeys.stream().filter(j -> j.behaviour() == Behaviour.KEY_REUSE_CHANGED_AMOUNT && j.conflicts() != 1)
                        .map(Journey::orderId).toList());
        violate("a payment request was not accepted", journeys.stream().filter(j -> !j.accepted())
                .map(Journey::orderId).toList());
    }

    private void violate(String invariant, Collection<String> ids) {
        if (!ids.isEmpty()) {
            clientViolations.add(new Violation(invariant, ids));
        }
    }

    public void print(PrintStream out) {
        Statistics history = verdict.statistics();
        List<Journey> accepted = journeys.stream().filter(Journey::accepted).toList();
        Function<String, Long> withStatus = s -> accepted.stream().filter(j -> s.equals(j.finalStatus())).count();
        long posts = journeys.stream().mapToLong(Journey::posts).sum();
        long replays = journeys.stream().mapToLong(Journey::replays).sum();
        long inProgress = journeys.stream().mapToLong(Journey::inProgress).sum();
        long conflicts = journeys.stream().mapToLong(Journey::conflicts).sum();
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
        row(out, "  processor inbox (duplicate events on the request topic)", history.duplicatesAbsorbed());
        row(out, "  provider idempotency (same key sent again, stored answer replayed)", provider.replays());
        row(out, "conflicts rejected (same key, changed amount: 422)", conflicts);
        row(out, "confirmed", withStatus.apply("CONFIRMED"));
        row(out, "failed (declined)", withStatus.apply("FAILED"));
        row(out, "needs attention", withStatus.apply("NEEDS_ATTENTION"));
        row(out, "still pending", accepted.stream().filter(j -> !j.terminal()).count());
        row(out, "dead letters", history.deadLetters());
        row(out, "provider charges (succeeded) / declines", history.providerCharges() + " / " + history.providerDeclines());
        row(out, "provider faults injected (charges and refunds): 5xx / answers dropped",
                provider.serverErrors() + " / " + provider.droppedResponses());
        row(out, "result records in aborted transactions (invisible to read_committed)", history.abortedResultRecords());
        row(out, "payments charged more than once", chargedMoreThanOnce());
        refunds.print(out);
        row(out, "journey latency POST -> final status visible, p50 / p99",
                percentile(latencies, 50) + " / " + percentile(latencies, 99));
        row(out, "elapsed", elapsed.toMillis() / 1000.0 + " s");
        out.println("-".repeat(88));
        out.println("history verifier: " + verdict.oneLine());
        if (holds()) {
            out.println("every invariant holds: each payment charged at most once and each refund made at most once, "
                    + "exactly one result each, no silent state");
            return;
        }
        for (Violation v : clientViolations) {
            out.println("VIOLATED: " + v.invariant() + " (" + v.ids().size() + "): "
                    + v.ids().stream().limit(10).collect(Collectors.joining(", ")));
        }
        verdict.violations().forEach(v -> out.println("VIOLATED " + v.describe(Verdict.PRINTED_IDS)));
    }

    static void row(PrintStream out, String label, Object value) {
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
