package io.chargeonce.cli.verify;

import io.chargeonce.events.RefundStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.chargeonce.cli.verify.Histories.ATTENTION;
import static io.chargeonce.cli.verify.Histories.DECLINED;
import static io.chargeonce.cli.verify.Histories.FULL;
import static io.chargeonce.cli.verify.Histories.PAID;
import static io.chargeonce.cli.verify.Histories.PARTIAL;
import static io.chargeonce.cli.verify.Histories.REFUSED;
import static io.chargeonce.cli.verify.Histories.RESOLVED;
import static io.chargeonce.events.RefundStatus.FAILED;
import static io.chargeonce.events.RefundStatus.NEEDS_ATTENTION;
import static io.chargeonce.events.RefundStatus.PENDING;
import static io.chargeonce.events.RefundStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refund invariants against synthetic histories: the clean history's partial, refused and full
 * refunds hold; each broken refund promise is caught, names the refund and its payment, and drags no
 * unrelated invariant in with it; a history from before refunds still verifies.
 */
class RefundVerifierTest {

    private static final HistoryVerifier DRAINED = new HistoryVerifier(Backlog.DRAINED);
    private static final HistoryVerifier IN_FLIGHT = new HistoryVerifier(Backlog.IN_FLIGHT);

    @Test
    void partialRefusedAndFullRefundsHoldAndAreCountedExactly() {
        Verdict verdict = DRAINED.verify(Histories.clean().build());

        assertThat(verdict.violations()).isEmpty();
        RefundStatistics r = verdict.statistics().refunds();
        assertThat(List.of(r.refunds(), r.pending(), r.succeeded(), r.failed(), r.needsAttention()))
                .containsExactly(3L, 0L, 2L, 1L, 0L);
        assertThat(List.of(r.requestRecords(), r.distinctRequestEvents(), r.duplicatesAbsorbed()))
                .containsExactly(4L, 3L, 1L);
        assertThat(List.of(r.results(), r.providerRefunds(), r.refundedTwice())).containsExactly(3L, 2L, 0L);
    }

    @Test
    void aHistoryFromBeforeRefundsStillVerifies() {
        History clean = Histories.clean().build();
        History withoutRefunds = new History(clean.payments(), clean.requests(), clean.statusEvents(), clean.results(),
                clean.abortedResultRecords(), clean.deadLetters(), clean.charges(), clean.providerReplays(), clean.unreadable());

        Verdict verdict = DRAINED.verify(withoutRefunds);

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.oneLine()).contains("refunds=0 refunded-twice=0 violations=0");
    }

    @Test
    void aSecondProviderRefundForOneRefundIdUnderAnotherKeyIsCaught() {
        History history = Histories.clean().providerRefund(PARTIAL, PAID, 400, "merchant-retry-" + PARTIAL).build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.REFUNDED_TWICE);
        assertThat(ids(verdict, Invariant.REFUNDED_TWICE)).containsExactly(name(PARTIAL, PAID));
        assertThat(verdict.statistics().refunds().refundedTwice()).isEqualTo(1);
        assertThat(verdict.oneLine()).contains("refunded-twice=1");
    }

    @Test
    void aRefundOfAPaymentThatIsNotConfirmedIsCaughtInTheTableAndAtTheProvider() {
        History history = Histories.clean()
                // a refund row for a FAILED payment, refused before any provider call
                .refundRow("r-declined", DECLINED, 100, FAILED).refundRequest(DECLINED, "e-r-declined")
                .refundStatus("r-declined", DECLINED, FAILED).refundResult("r-declined", DECLINED, FAILED, 100)
                // money returned from the charge of a payment the API serves NEEDS_ATTENTION
                .refunded("r-attention", ATTENTION, 100)
                .build();

        Verdict verdict = IN_FLIGHT.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.REFUND_BEFORE_CONFIRM);
        assertThat(ids(verdict, Invariant.REFUND_BEFORE_CONFIRM))
                .containsExactly(name("r-attention", ATTENTION), name("r-declined", DECLINED));
    }

    @Test
    void aProviderRefundFromADeclinedChargeIsCaught() {
        // r-declined has no row either: the provider refund is also without intent
        History history = Histories.clean().providerRefund("r-declined", DECLINED, 100, "chargeonce-refund-r-declined").build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(invariants(verdict)).containsExactlyInAnyOrder(Invariant.REFUND_BEFORE_CONFIRM, Invariant.REFUND_WITHOUT_INTENT);
        assertThat(ids(verdict, Invariant.REFUND_BEFORE_CONFIRM)).containsExactly(name("r-declined", DECLINED));
    }

    @Test
    void refundsReturningMoreThanTheChargeAreCaughtAndNamedTogether() {
        History history = Histories.clean().refunded("r-more", PAID, 700).build();

        Verdict verdict = IN_FLIGHT.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.REFUND_EXCEEDS_CHARGE);
        assertThat(ids(verdict, Invariant.REFUND_EXCEEDS_CHARGE)).containsExactly(name("r-more", PAID), name(PARTIAL, PAID));
        assertThat(DRAINED.verify(Histories.clean().refunded("r-rest", PAID, 600).build()).violations())
                .as("400 + 600 is the whole charge, not more").isEmpty();
    }

    @Test
    void refundEventsAndProviderRefundsForARefundNobodyAskedForAreCaught() {
        History history = Histories.clean()
                .refundStatus("r-ghost", PAID, PENDING, SUCCEEDED).refundResult("r-ghost", PAID, SUCCEEDED, 100)
                .providerRefund("r-ghost", PAID, 100, "chargeonce-refund-r-ghost")
                .refundResult(FULL, PAID, SUCCEEDED, 1000)
                // the processor's notice for a refund request it dead-lettered names a key on a DLT: no intent needed
                .refundStatus("r-poison", "poison-1", NEEDS_ATTENTION)
                .build();

        Verdict verdict = IN_FLIGHT.verify(history);

        assertThat(invariants(verdict)).containsExactlyInAnyOrder(Invariant.REFUND_WITHOUT_INTENT, Invariant.REFUND_UNTRUTHFUL);
        assertThat(ids(verdict, Invariant.REFUND_WITHOUT_INTENT))
                .as("%s's second result names another payment than the refund's %s", FULL, RESOLVED)
                .containsExactly(name(FULL, PAID), name("r-ghost", PAID));
        assertThat(ids(verdict, Invariant.REFUND_UNTRUTHFUL)).as("and is a second result for it").containsExactly(name(FULL, RESOLVED));
    }

    @Test
    void aPendingRefundIsStuckOnlyOnceDrained() {
        History history = Histories.clean().refundRow("r-slow", PAID, 100, PENDING).refundRequest(PAID, "e-r-slow")
                .refundStatus("r-slow", PAID, PENDING).build();

        assertThat(ids(DRAINED.verify(history), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name("r-slow", PAID));
        assertThat(IN_FLIGHT.verify(history).violations()).isEmpty();
        assertThat(IN_FLIGHT.verify(history).statistics().refunds().pending()).isEqualTo(1);
    }

    @Test
    void aSucceededRefundWithoutItsProviderRefundOrResultIsUntruthfulOnceDrained() {
        History noMoney = Histories.clean().withoutProviderRefunds(PARTIAL).build();
        History noResult = Histories.clean().withoutRefundResults(FULL).build();

        assertThat(invariants(DRAINED.verify(noMoney))).containsExactly(Invariant.REFUND_UNTRUTHFUL);
        assertThat(ids(DRAINED.verify(noMoney), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name(PARTIAL, PAID));
        assertThat(ids(DRAINED.verify(noResult), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name(FULL, RESOLVED));
        assertThat(IN_FLIGHT.verify(noMoney).violations()).as("the ledger was read before the row settled").isEmpty();
        assertThat(IN_FLIGHT.verify(noResult).violations()).as("the result was read before the row settled").isEmpty();
    }

    @Test
    void moneyMovedForAFailedRefundIsUntruthfulEvenInFlight() {
        History history = Histories.clean().providerRefund(REFUSED, PAID, 500, "chargeonce-refund-" + REFUSED).build();

        Verdict verdict = IN_FLIGHT.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.REFUND_UNTRUTHFUL);
        assertThat(ids(verdict, Invariant.REFUND_UNTRUTHFUL)).containsExactly(name(REFUSED, PAID));
    }

    @Test
    void aSecondResultOrOneThatDisagreesIsUntruthfulEvenInFlight() {
        History twice = Histories.clean().refundResult(PARTIAL, PAID, SUCCEEDED, 400).build();
        History otherAmount = Histories.clean().withoutRefundResults(PARTIAL).refundResult(PARTIAL, PAID, SUCCEEDED, 450).build();
        History otherStatus = Histories.clean().withoutRefundResults(REFUSED).refundResult(REFUSED, PAID, SUCCEEDED, 5000).build();

        for (History history : List.of(twice, otherAmount, otherStatus)) {
            Verdict verdict = IN_FLIGHT.verify(history);
            assertThat(invariants(verdict)).containsExactly(Invariant.REFUND_UNTRUTHFUL);
        }
        assertThat(ids(IN_FLIGHT.verify(twice), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name(PARTIAL, PAID));
        assertThat(ids(IN_FLIGHT.verify(otherStatus), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name(REFUSED, PAID));
    }

    @ParameterizedTest(name = "{0} served {1}")
    @CsvSource({
            "SUCCEEDED FAILED, FAILED",
            "FAILED SUCCEEDED, SUCCEEDED",
            "SUCCEEDED PENDING, PENDING",
            "SUCCEEDED SUCCEEDED, SUCCEEDED",
            "PENDING FAILED, SUCCEEDED"})
    void refundStatusEventsOutOfLegalOrderOrAnApiServingAnotherStatusAreCaught(String sequence, RefundStatus served) {
        RefundStatus[] statuses = Arrays.stream(sequence.split(" ")).map(RefundStatus::valueOf).toArray(RefundStatus[]::new);
        History history = Histories.clean().refundRow("r-odd", PAID, 100, served).refundRequest(PAID, "e-r-odd")
                .refundStatus("r-odd", PAID, statuses).build();

        assertThat(ids(IN_FLIGHT.verify(history), Invariant.REFUND_UNTRUTHFUL)).containsExactly(name("r-odd", PAID));
    }

    @Test
    void anOperatorsReplayOfANeedsAttentionRefundIsALegalOrder() {
        History history = Histories.clean().refundRow("r-replayed", PAID, 100, SUCCEEDED).refundRequest(PAID, "e-r-replayed")
                .refundStatus("r-replayed", PAID, PENDING, PENDING, NEEDS_ATTENTION, PENDING, SUCCEEDED)
                .refundResult("r-replayed", PAID, SUCCEEDED, 100)
                .providerRefund("r-replayed", PAID, 100, "chargeonce-refund-r-replayed").build();

        assertThat(DRAINED.verify(history).violations()).isEmpty();
    }

    @Test
    void theVerdictNamesRefundsAsRefunds() {
        Verdict verdict = DRAINED.verify(Histories.clean().refunded("r-more", PAID, 700).build());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        verdict.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("VIOLATED REFUND_EXCEEDS_CHARGE (2)", "refunds: refund r-more of payment p-confirmed, "
                        + "refund r-partial of payment p-confirmed")
                .containsPattern("refunds served PENDING / SUCCEEDED / FAILED / NEEDS_ATTENTION +0 / 3 / 1 / 0");
    }

    private static String name(String refundId, String paymentId) {
        return "refund " + refundId + " of payment " + paymentId;
    }

    private static List<Invariant> invariants(Verdict verdict) {
        return verdict.violations().stream().map(Violation::invariant).toList();
    }

    private static List<String> ids(Verdict verdict, Invariant invariant) {
        return verdict.violation(invariant).map(Violation::paymentIds).orElse(List.of());
    }
}
