package io.chargeonce.cli.demo;

import io.chargeonce.cli.demo.DemoReport.Violation;
import io.chargeonce.cli.verify.RefundStatistics;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The refunds block of the demo's report: what the merchants saw through the API, next to the
 * history verifier's refund figures (the provider's own ledger, the refund topics). The refund
 * invariants over the whole history (at most once, only after confirm, within the amount, the
 * truth and one result each) are the verifier's; this adds what only the merchants can judge.
 */
public final class RefundReport {

    private final RefundSimulation.Outcome outcome;
    private final RefundStatistics history;
    private final List<Violation> violations = new ArrayList<>();

    /** @param history the verifier's refund figures of the same run */
    public RefundReport(RefundSimulation.Outcome outcome, RefundStatistics history) {
        this.outcome = outcome;
        this.history = history;
        violate("an accepted refund was still PENDING when the merchant stopped waiting (silent state)", outcome.undecided());
        violate("a merchant saw an unexpected refund answer (see the case's payment)", outcome.cases().stream()
                .filter(c -> !c.surprises().isEmpty()).map(c -> c.paymentId() + " " + c.surprises()).toList());
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    void print(PrintStream out) {
        List<RefundCase> cases = outcome.cases();
        Function<Function<RefundCase, Integer>, Integer> sum = f -> cases.stream().mapToInt(f::apply).sum();
        out.println("refunds:");
        DemoReport.row(out, "  payments merchants tried to refund / refund requests sent",
                cases.size() + " / " + sum.apply(RefundCase::posts));
        DemoReport.row(out, "  refunds accepted (202, distinct refund ids)", outcome.statusByRefund().size());
        DemoReport.row(out, "  API idempotency (same key after a lost response, replayed)", sum.apply(RefundCase::replays));
        DemoReport.row(out, "  refused: payment not confirmed (409) / over the amount (422)",
                sum.apply(RefundCase::refusedNotConfirmed) + " / " + sum.apply(RefundCase::refusedOverAmount));
        DemoReport.row(out, "  succeeded / failed", outcome.withStatus("SUCCEEDED") + " / " + outcome.withStatus("FAILED"));
        DemoReport.row(out, "  needs attention / still pending",
                outcome.withStatus("NEEDS_ATTENTION") + " / " + outcome.undecided().size());
        DemoReport.row(out, "  processor inbox (duplicate refund events on the request topic)", history.duplicatesAbsorbed());
        DemoReport.row(out, "  provider refunds made (its ledger)", history.providerRefunds());
        DemoReport.row(out, "  refunds made more than once at the provider", history.refundedTwice());
    }

    private void violate(String invariant, Collection<String> ids) {
        if (!ids.isEmpty()) {
            violations.add(new Violation(invariant, ids));
        }
    }
}
