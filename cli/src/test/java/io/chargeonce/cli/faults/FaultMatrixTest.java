package io.chargeonce.cli.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix in its reduced form (every row, one seed, a small load) on a real cluster of
 * processes: each row must end with the backlog drained, zero payments charged twice, zero lost,
 * zero refunds made twice, and every invariant of the complete history holding. Every row after the
 * first also refunds payments of earlier rows while its fault lands, so refunds are proved the same
 * way; the first row has nothing confirmed to refund yet.
 */
class FaultMatrixTest {

    @Test
    void everyRowHoldsWithNothingChargedTwiceNothingLostAndNothingRefundedTwice() throws Exception {
        List<RowResult> rows = new FaultMatrix(MatrixSettings.reduced(), FaultMatrix.clusterOptions(), System.out).run();

        assertThat(rows).hasSize(Fault.values().length);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.faultsInjected()).as("%s injected its fault", row.fault()).isPositive();
            assertThat(row.verdict().statistics().chargedTwice()).as(row.line()).isZero();
            assertThat(row.verdict().statistics().lost()).as(row.line()).isZero();
            assertThat(row.verdict().statistics().refunds().refundedTwice()).as(row.line()).isZero();
            assertThat(row.passed()).as(row.line() + " " + row.verdict().violations() + " " + row.rowViolations()).isTrue();
        });
        assertThat(rows.getFirst().refunds()).as("the first row has no earlier payment to refund").isZero();
        assertThat(rows.subList(1, rows.size())).allSatisfy(row ->
                assertThat(row.refunds()).as("%s refunded while its fault landed", row.line()).isPositive());
        assertThat(rows.getLast().verdict().statistics().refunds().providerRefunds())
                .as("the provider made the refunds the rows asked for").isPositive();
    }
}
