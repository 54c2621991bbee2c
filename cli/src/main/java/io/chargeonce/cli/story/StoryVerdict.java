package io.chargeonce.cli.story;

import io.chargeonce.cli.verify.Backlog;
import io.chargeonce.cli.verify.History;
import io.chargeonce.cli.verify.History.DeadLetterRecord;
import io.chargeonce.cli.verify.History.Payment;
import io.chargeonce.cli.verify.History.Request;
import io.chargeonce.cli.verify.History.Result;
import io.chargeonce.cli.verify.History.StatusEvent;
import io.chargeonce.cli.verify.History.Unreadable;
import io.chargeonce.cli.verify.HistoryVerifier;
import io.chargeonce.cli.verify.Invariant;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.cli.verify.Violation;
import io.chargeonce.events.RefundStatus;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The closing line of a story: how often the provider charged, how many results there are, what
 * the API serves, the refunds and what the provider returned, and whether that is consistent. Consistency is not judged here: the payment's
 * facts become a one-payment {@link History} and the same {@link HistoryVerifier} that judges a
 * whole run judges it, as in flight (a PENDING payment may simply not be done yet).
 *
 * @param charged    succeeded provider charges for the payment, under any key
 * @param results    terminal result records (read_committed)
 * @param served     the status payment-api serves, or null if it holds no intent
 * @param records    request records, redeliveries included
 * @param events     distinct request events among them
 * @param abortedWrites status and result records of aborted transactions (invisible to read_committed)
 * @param refunds    how many refunds payment-api holds for the payment, by the status it serves
 * @param refunded   how many refunds the provider made for it, and their sum in minor units
 * @param violations the invariants this payment (or one of its refunds) breaks; empty if consistent
 */
public record StoryVerdict(long charged, int results, String served, int records, long events, int deadLetters,
                           int abortedWrites, Map<RefundStatus, Long> refunds, Refunded refunded, List<Invariant> violations) {

    /** The refunds the provider made: how many, and how much they returned in minor units. */
    public record Refunded(long count, long amountMinor) {
    }

    public StoryVerdict {
        refunds = Map.copyOf(refunds);
        violations = List.copyOf(violations);
    }

    public static StoryVerdict of(PaymentFacts facts) {
        String id = facts.paymentId();
        History history = new History(
                facts.intent().map(i -> List.of(new Payment(id, i.merchantId(), i.status(), i.reason(), i.createdAt(),
                        i.updatedAt()))).orElse(List.of()),
                facts.requests().stream().map(r -> new Request(id, r.eventId(), r.at())).toList(),
                facts.statuses().stream().map(s -> new StatusEvent(id, s.eventId(), s.status(), s.reason(), s.at())).toList(),
                facts.results().stream().map(r -> new Result(id, r.eventId(), r.outcome(), r.coordinates())).toList(),
                facts.aborted().size(),
                facts.deadLetters().stream().map(d -> new DeadLetterRecord(id, d.eventId(), d.origin(), d.coordinates())).toList(),
                facts.ledger(),
                0,
                facts.unreadable().stream().map(u -> new Unreadable(id, u.problem(), u.at())).toList(),
                refundHistory(facts));
        List<Invariant> broken = new HistoryVerifier(Backlog.IN_FLIGHT).verify(history).violations().stream()
                .map(Violation::invariant).toList();
        Map<RefundStatus, Long> refunds = new EnumMap<>(RefundStatus.class);
        facts.refunds().refunds().forEach(r -> refunds.merge(r.status(), 1L, Long::sum));
        List<ProviderLedger.Refund> made = facts.refunds().providerRefunds();
        return new StoryVerdict(facts.ledger().stream().filter(Charge::succeeded).count(), facts.results().size(),
                facts.intent().map(i -> i.status().name()).orElse(null), facts.requests().size(),
                facts.requests().stream().map(r -> r.eventId() != null ? r.eventId() : r.at().toString()).distinct().count(),
                facts.deadLetters().size(), facts.aborted().size(), refunds,
                new Refunded(made.size(), made.stream().mapToLong(ProviderLedger.Refund::amount).sum()), broken);
    }

    /** The payment's refunds as the one-payment history the verifier judges (aborted writes are counted with the payment's). */
    private static RefundHistory refundHistory(PaymentFacts facts) {
        String id = facts.paymentId();
        RefundFacts refunds = facts.refunds();
        return new RefundHistory(refunds.refunds(),
                refunds.requests().stream().map(r -> new Request(id, r.eventId(), r.at())).toList(),
                refunds.statuses().stream().map(s -> new RefundHistory.StatusEvent(id, s.refundId(), s.eventId(), s.status(),
                        s.reason(), s.at())).toList(),
                refunds.results().stream().map(s -> new RefundHistory.Settled(id, s.refundId(), s.eventId(), s.status(),
                        s.amountMinor(), s.currency(), s.providerRefundId(), s.at())).toList(),
                0, refunds.providerRefunds());
    }

    public boolean consistent() {
        return violations.isEmpty();
    }

    public String line() {
        long redeliveries = records - events;
        String judgement = consistent() ? "consistent"
                : "INCONSISTENT: " + violations.stream().map(v -> v + " (" + v.promise() + ")").collect(Collectors.joining("; "));
        return "verdict: charged " + charged + " time" + (charged == 1 ? "" : "s") + ", " + results + " result"
                + (results == 1 ? "" : "s") + ", payment-api serves " + (served == null ? "nothing (no intent)" : served)
                + ", " + records + " request record" + (records == 1 ? "" : "s") + " of " + events + " event"
                + (events == 1 ? "" : "s") + (redeliveries > 0 ? " (" + redeliveries + " redelivery absorbed)".replace(
                "redelivery", redeliveries == 1 ? "redelivery" : "redeliveries") : "")
                + ", " + deadLetters + " dead letter" + (deadLetters == 1 ? "" : "s")
                + (abortedWrites > 0 ? ", " + abortedWrites + " aborted write" + (abortedWrites == 1 ? "" : "s") + " (never visible)" : "")
                + refundsLine() + " — " + judgement;
    }

    /** {@code , refunds: 2 (SUCCEEDED 1, FAILED 1), provider refunded 400 (minor units) in 1 refund}; empty without refunds. */
    private String refundsLine() {
        long held = refunds.values().stream().mapToLong(Long::longValue).sum();
        if (held == 0 && refunded.count() == 0) {
            return "";
        }
        String byStatus = Arrays.stream(RefundStatus.values()).filter(refunds::containsKey)
                .map(s -> s + " " + refunds.get(s)).collect(Collectors.joining(", "));
        return ", refunds: " + held + (held == 0 ? "" : " (" + byStatus + ")") + ", provider refunded " + refunded.amountMinor()
                + " (minor units) in " + refunded.count() + " refund" + (refunded.count() == 1 ? "" : "s");
    }
}
