package io.chargeonce.cli.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix in its reduced form (every row, one seed, a small load) on a real cluster of
 * processes: each row must end with the backlog drained, zero payments charged twice, zero lost,
 * and every invariant of the complete history holding.
 */
class FaultMatrixTest {

    @Test
    void everyRowHoldsWithNothingChargedTwiceAndNothingLost() throws Exception {
        List<RowResult> rows = new FaultMatrix(MatrixSettings.reduced(), FaultMatrix.clusterOptions(), System.out).run();

        assertThat(rows).hasSize(Fault.values().length);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.faultsInjected()).as("%s injected its fault", row.fault()).isPositive();
            assertThat(row.verdict().statistics().chargedTwice()).as(row.line()).isZero();
            assertThat(row.verdict().statistics().lost()).as(row.line()).isZero();
            assertThat(row.passed()).as(row.line() + " " + row.verdict().violations() + " " + row.rowViolations()).isTrue();
        });
    }
}
