package io.chargeonce.cli.verify;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * What the verifier found: the figures of the history (refunds included) and every broken invariant
 * with its payments or refunds.
 * It holds iff nothing is broken.
 */
public record Verdict(Backlog backlog, Statistics statistics, List<Violation> violations) {

    /** How many payment ids {@link #print} lists per violation. */
    public static final int PRINTED_IDS = 20;

    public Verdict {
        violations = List.copyOf(violations);
    }

    public boolean holds() {
        return violations.isEmpty();
    }

    public Optional<Violation> violation(Invariant invariant) {
        return violations.stream().filter(v -> v.invariant() == invariant).findFirst();
    }

    /** The figures the fault matrix prints per run; {@code violations} counts broken invariants. */
    public String oneLine() {
        Statistics s = statistics;
        return "payments=" + s.payments() + " results=" + s.results() + " needs-attention=" + s.needsAttention()
                + " dead-letters=" + s.deadLetters() + " duplicates-absorbed=" + s.duplicatesAbsorbed()
                + " charged-twice=" + s.chargedTwice() + " lost=" + s.lost() + " refunds=" + s.refunds().refunds()
                + " refunded-twice=" + s.refunds().refundedTwice() + " violations=" + violations.size();
    }

    public void print(PrintStream out) {
        Statistics s = statistics;
        out.println(oneLine());
        row(out, "payments served PENDING / CONFIRMED / FAILED / NEEDS_ATTENTION",
                s.pending() + " / " + s.confirmed() + " / " + s.failed() + " / " + s.needsAttention());
        row(out, "request records / distinct events", s.requestRecords() + " / " + s.distinctRequestEvents());
        row(out, "result records confirmed / failed (read_committed)", s.confirmedResults() + " / " + s.failedResults());
        row(out, "result records of aborted transactions (read_uncommitted only)", s.abortedResultRecords());
        row(out, "dead letters", s.deadLetters());
        row(out, "provider charges / declines / idempotent replays",
                s.providerCharges() + " / " + s.providerDeclines() + " / " + s.providerReplays());
        RefundStatistics r = s.refunds();
        row(out, "refunds served PENDING / SUCCEEDED / FAILED / NEEDS_ATTENTION",
                r.pending() + " / " + r.succeeded() + " / " + r.failed() + " / " + r.needsAttention());
        row(out, "refund request records / distinct events", r.requestRecords() + " / " + r.distinctRequestEvents());
        row(out, "refund result records (read_committed) / of aborted transactions", r.results() + " / " + r.abortedResultRecords());
        row(out, "provider refunds", r.providerRefunds());
        row(out, "backlog", backlog == Backlog.DRAINED ? "drained (PENDING counts as stuck)" : "in flight (PENDING tolerated)");
        if (holds()) {
            out.println("every invariant holds");
        }
        for (Violation violation : violations) {
            out.println("VIOLATED " + violation.describe(PRINTED_IDS));
        }
    }

    private static void row(PrintStream out, String label, Object value) {
        out.printf("  %-66s %s%n", label, value);
    }
}
