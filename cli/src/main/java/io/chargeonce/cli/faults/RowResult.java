package io.chargeonce.cli.faults;

import io.chargeonce.cli.verify.Verdict;

import java.time.Duration;
import java.util.List;

/**
 * One row's outcome: the verdict over the whole history after the row drained, plus what the row
 * itself observed (API answers that broke a promise, payments a client gave up on).
 * {@code duplicatesAbsorbed} and {@code needsAttention} are this row's share; charged-twice and lost
 * are over the whole history, so a row that breaks an earlier payment shows too.
 */
public record RowResult(Fault fault, long seed, int payments, int faultsInjected, long duplicatesAbsorbed,
                        long needsAttention, long clientsGaveUp, boolean drained, Verdict verdict, List<String> rowViolations,
                        Duration elapsed) {

    public RowResult {
        rowViolations = List.copyOf(rowViolations);
    }

    public boolean passed() {
        return drained && verdict.holds() && rowViolations.isEmpty() && clientsGaveUp == 0;
    }

    /** The row's one-line figure: payments, faults injected, duplicates absorbed, charged-twice, lost. */
    public String line() {
        return String.format("%-28s seed=%d payments=%d faults=%d duplicates-absorbed=%d charged-twice=%d lost=%d"
                        + " needs-attention=%d gave-up=%d violations=%d %s (%.1f s)",
                fault.label(), seed, payments, faultsInjected, duplicatesAbsorbed,
                verdict.statistics().chargedTwice(), verdict.statistics().lost(), needsAttention,
                clientsGaveUp, verdict.violations().size() + rowViolations.size(),
                passed() ? "PASS" : (drained ? "FAIL" : "FAIL (not drained)"), elapsed.toMillis() / 1000.0);
    }
}
