package io.chargeonce.cli.storm;

import io.chargeonce.cli.load.Latencies;
import io.chargeonce.cli.load.LoadProgress;
import io.chargeonce.cli.load.PaymentOutcome;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The storm's closing report: throughput, latencies, the deduplication each layer did, and the
 * checks that fail the run (charged twice, lost, stuck, not accepted, a second payment for one key).
 * Everything comes from the clients' answers and the real systems' own records; a layer the target
 * did not expose is printed as not measured rather than assumed fine.
 */
public final class StormReport {

    /** How the storm went, as its clients measured it. */
    public record Load(List<PaymentOutcome> outcomes, LoadProgress progress, Latencies postLatencies,
                       Duration generation) {
    }

    /** One broken promise and the payment ids (or idempotency keys) it concerns. */
    public record Violation(String check, Collection<String> ids) {
    }

    private final StormSettings settings;
    private final int merchants;
    private final Load load;
    private final StormFacts facts;
    private final Duration elapsed;
    private final List<PaymentOutcome> accepted;
    private final List<Violation> violations = new ArrayList<>();

    public StormReport(StormSettings settings, int merchants, Load load, StormFacts facts, Duration elapsed) {
        this.settings = settings;
        this.merchants = merchants;
        this.load = load;
        this.facts = facts;
        this.elapsed = elapsed;
        this.accepted = load.outcomes().stream().filter(PaymentOutcome::accepted).toList();
        check();
    }

    public boolean holds() {
        return violations.isEmpty();
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    private void check() {
        if (facts.succeededChargesPerPayment() != null) {
            violate("a payment was charged more than once (provider ledger)", chargedTwice());
        }
        if (facts.paymentsOnRequestTopic() != null) {
            violate("a request was lost: accepted by the API, never on the request topic", lost());
        }
        if (facts.resultsPerPayment() != null) {
            violate("a payment has more than one terminal result event", facts.resultsPerPayment().entrySet().stream()
                    .filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());
        }
        violate("a payment has no final status after the drain (silently stuck)", stuck());
        violate("a planned payment was never accepted (its app gave up)", load.outcomes().stream()
                .filter(o -> !o.accepted()).map(PaymentOutcome::idempotencyKey).toList());
        violate("one Idempotency-Key was answered with two payments", load.outcomes().stream()
                .filter(o -> !o.otherPaymentIds().isEmpty()).map(PaymentOutcome::idempotencyKey).toList());
    }

    private List<String> chargedTwice() {
        return facts.succeededChargesPerPayment().entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).toList();
    }

    private List<String> lost() {
        return accepted.stream().map(PaymentOutcome::paymentId)
                .filter(id -> !facts.paymentsOnRequestTopic().contains(id)).toList();
    }

    /** Without a result event and not visibly NEEDS_ATTENTION through the API. */
    private List<String> stuck() {
        return facts.unsettledApiStatus().entrySet().stream()
                .filter(e -> facts.resultsPerPayment() != null
                        ? !"NEEDS_ATTENTION".equals(e.getValue())
                        : !PaymentOutcome.TERMINAL_STATUSES.contains(e.getValue()))
                .map(Map.Entry::getKey).toList();
    }

    private void violate(String check, Collection<String> ids) {
        if (!ids.isEmpty()) {
            violations.add(new Violation(check, ids));
        }
    }

    public void print(PrintStream out) {
        LoadProgress p = load.progress();
        double window = Math.max(0.001, load.generation().toNanos() / 1e9);
        long answered = load.postLatencies().count();
        Latencies journeys = Latencies.of(accepted.stream().map(PaymentOutcome::journeyLatency)
                .flatMap(Optional::stream).toList());
        Latencies noticed = Latencies.of(accepted.stream()
                .filter(o -> o.finalStatusSeenAt() != null && o.finalStatusSince() != null)
                .map(o -> Duration.between(o.finalStatusSince(), o.finalStatusSeenAt()))
                .filter(d -> !d.isNegative())
                .toList());

        out.println();
        out.println("chargeonce storm report (read from the clients' answers, payment-api, the Kafka topics, "
                + "the processor's counters and the provider's ledger)");
        out.println("-".repeat(96));
        row(out, "storm", String.format("%.1f s, %d clients, rate %s, duplicate ratio %.2f, seed %d, %d merchant(s)",
                window, settings.clients(), settings.ratePerSecond() > 0 ? settings.ratePerSecond() + "/s" : "max",
                settings.duplicateRatio(), settings.seed(), merchants));
        row(out, "payments planned / accepted / not accepted",
                load.outcomes().size() + " / " + accepted.size() + " / " + (load.outcomes().size() - accepted.size()));
        row(out, "throughput: accepted payments/s", String.format("%.1f", accepted.size() / window));
        row(out, "throughput: POST requests/s", String.format("%.1f  (%d POSTs)", p.posts() / window, p.posts()));
        endToEnd(out);
        row(out, "status GETs (journey measurement, rate-capped, drain included)", p.statusPolls());
        row(out, "POST latency p50 / p99", load.postLatencies().format(50) + " / " + load.postLatencies().format(99));
        row(out, "journey latency POST -> final status in the API p50 / p99 / p99.9",
                journeys.format(50) + " / " + journeys.format(99) + " / " + journeys.format(99.9));
        if (facts.requestEventAt() != null) {
            Latencies relayed = Latencies.of(accepted.stream()
                    .filter(o -> o.firstPostAt() != null && facts.requestEventAt().containsKey(o.paymentId()))
                    .map(o -> Duration.between(o.firstPostAt(), facts.requestEventAt().get(o.paymentId()))).toList());
            row(out, "  of which POST -> request event on Kafka (API + relay) p50 / p99",
                    relayed.format(50) + " / " + relayed.format(99));
        }
        row(out, "  journeys measured / final status noticed by polling, p50 later",
                journeys.count() + " / " + noticed.format(50));
        row(out, "retried by the apps: 409 / 5xx / no answer",
                p.conflicts() + " / " + p.serverErrors() + " / " + p.transportErrors());
        out.println("deduplication, by layer:");
        row(out, "  API: Idempotent-Replayed answers / answered POSTs", ratio(p.replays(), answered));
        row(out, "  inbox: duplicate request events / request records", facts.requestRecords() < 0 ? "not measured (no Kafka)"
                : ratio(facts.requestRecords() - facts.distinctRequestEvents(), facts.requestRecords()));
        if (facts.processor() != null) {
            StormFacts.Processor proc = facts.processor();
            row(out, "  inbox (processor's counters): duplicates / events seen",
                    ratio(proc.inboxDuplicates(), proc.inboxDuplicates() + proc.inboxNew())
                            + "; ledger duplicates " + proc.ledgerDuplicates());
        }
        row(out, "  provider: idempotent replays / charge requests", facts.provider() == null ? "not measured (no provider URL)"
                : ratio(facts.provider().replays(), facts.provider().requests())
                        + "; lookups by key " + (facts.processor() == null ? "not measured" : facts.processor().lookups()));
        if (facts.provider() != null) {
            row(out, "provider: charges / declines / 5xx / answers dropped",
                    facts.provider().charges() + " / " + facts.provider().declines() + " / "
                            + facts.provider().serverErrors() + " / " + facts.provider().droppedResponses());
        }
        if (facts.resultsPerPayment() != null) {
            row(out, "payments with a terminal result event (read_committed)", facts.resultsPerPayment().size());
        }
        row(out, "final status in the API: confirmed / failed / needs attention", finals());
        row(out, "payments charged more than once", facts.succeededChargesPerPayment() == null
                ? "not measured (no provider URL)" : chargedTwice().size());
        row(out, "requests lost (accepted, never on the request topic)", facts.paymentsOnRequestTopic() == null
                ? "not measured (no Kafka)" : lost().size());
        row(out, "payments without a final status after the drain", stuck().size());
        row(out, "elapsed (start-up not included)", String.format("%.1f s", elapsed.toNanos() / 1e9));
        out.println("-".repeat(96));
        if (holds()) {
            out.println("every check holds: nothing charged twice, nothing lost, nothing stuck");
        } else {
            for (Violation v : violations) {
                out.println("VIOLATED: " + v.check() + " (" + v.ids().size() + "): "
                        + v.ids().stream().limit(10).collect(Collectors.joining(", ")));
            }
        }
    }

    /**
     * Accepted payments over the time from the first POST to the last final status the API recorded
     * (among the followed ones, a uniform sample): the rate the whole pipeline sustained. Below the
     * accepted rate, the difference queued up and shows as journey latency.
     */
    private void endToEnd(PrintStream out) {
        Optional<Instant> first = accepted.stream().map(PaymentOutcome::firstPostAt)
                .filter(Objects::nonNull).min(Comparator.naturalOrder());
        Optional<Instant> last = accepted.stream().map(PaymentOutcome::finalStatusSince)
                .filter(Objects::nonNull).max(Comparator.naturalOrder());
        if (first.isPresent() && last.isPresent() && last.get().isAfter(first.get())) {
            double seconds = Duration.between(first.get(), last.get()).toNanos() / 1e9;
            row(out, "throughput: payments reaching a final status in the API /s",
                    String.format("%.1f  (last one %.1f s after the first POST)", accepted.size() / seconds, seconds));
        }
    }

    /** Of the followed payments, as the apps last saw them. */
    private String finals() {
        Map<String, Long> seen = accepted.stream().filter(PaymentOutcome::finalStatusVisible)
                .collect(Collectors.groupingBy(PaymentOutcome::finalStatus, Collectors.counting()));
        long followed = seen.values().stream().mapToLong(Long::longValue).sum();
        return seen.getOrDefault("CONFIRMED", 0L) + " / " + seen.getOrDefault("FAILED", 0L) + " / "
                + seen.getOrDefault("NEEDS_ATTENTION", 0L) + "  (of " + followed + " followed to the end)";
    }

    private static String ratio(long part, long whole) {
        return String.format("%d / %d (%.1f%%)", part, whole, whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    private static void row(PrintStream out, String label, Object value) {
        out.printf("%-68s %s%n", label, value);
    }
}
