package io.chargeonce.cli.faults;

import io.chargeonce.cli.verify.Verdict;

import java.time.Duration;
import java.util.List;

/**
 * One row's outcome: the verdict over the whole history after the row drained, plus what the row
 * itself observed (API answers that broke a promise, payments and refunds a client gave up on).
 * {@code duplicatesAbsorbed}, {@code needsAttention} and {@code refunds} are this row's share;
 * charged-twice, lost and refunded-twice are over the whole history, so a row that breaks an earlier
 * payment or refund shows too.
 *
 * @param refunds       refunds the API accepted during this row
 * @param clientsGaveUp payments and refunds whose client gave up before the API accepted or refused them
 */
public record RowResult(Fault fault, long seed, int payments, int refunds, int faultsInjected, long duplicatesAbsorbed,
                        long needsAttention, long clientsGaveUp, boolean drained, Verdict verdict, List<String> rowViolations,
                        Duration elapsed) {

    public RowResult {
        rowViolations = List.copyOf(rowViolations);
    }

    public boolean passed() {
        return drained && verdict.holds() && rowViolations.isEmpty() && clientsGaveUp == 0;
    }

    /** The row's one-line figure: payments, refunds, faults injected, duplicates absorbed, charged-twice, lost, refunded-twice. */
    public String line() {
        return String.format("%-28s seed=%d payments=%d refunds=%d faults=%d duplicates-absorbed=%d charged-twice=%d lost=%d"
                        + " refunded-twice=%d needs-attention=%d gave-up=%d violations=%d %s (%.1f s)",
                fault.label(), seed, payments, refunds, faultsInjected, duplicatesAbsorbed,
                verdict.statistics().chargedTwice(), verdict.statistics().lost(),
                verdict.statistics().refunds().refundedTwice(), needsAttention,
                clientsGaveUp, verdict.violations().size() + rowViolations.size(),
                passed() ? "PASS" : (drained ? "FAIL" : "FAIL (not drained)"), elapsed.toMillis() / 1000.0);
    }
}
