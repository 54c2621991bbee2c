package io.chargeonce.cli.verify;

import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.events.PaymentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static io.chargeonce.cli.verify.Histories.ATTENTION;
import static io.chargeonce.cli.verify.Histories.DECLINED;
import static io.chargeonce.cli.verify.Histories.PAID;
import static io.chargeonce.events.PaymentStatus.CONFIRMED;
import static io.chargeonce.events.PaymentStatus.FAILED;
import static io.chargeonce.events.PaymentStatus.NEEDS_ATTENTION;
import static io.chargeonce.events.PaymentStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verifier against synthetic histories: a clean one holds, and each broken promise is caught,
 * names the payments involved, and does not drag unrelated invariants in with it.
 */
class HistoryVerifierTest {

    private static final HistoryVerifier DRAINED = new HistoryVerifier(Backlog.DRAINED);
    private static final HistoryVerifier IN_FLIGHT = new HistoryVerifier(Backlog.IN_FLIGHT);

    @Test
    void aCleanHistoryHoldsAndIsCountedExactly() {
        Verdict verdict = DRAINED.verify(Histories.clean().build());

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.holds()).isTrue();
        assertThat(verdict.oneLine()).isEqualTo("payments=4 results=3 needs-attention=1 dead-letters=2 "
                + "duplicates-absorbed=1 charged-twice=0 lost=0 refunds=3 refunded-twice=0 violations=0");
        Statistics s = verdict.statistics();
        assertThat(List.of(s.pending(), s.confirmed(), s.failed(), s.needsAttention())).containsExactly(0L, 2L, 1L, 1L);
        assertThat(List.of(s.requestRecords(), s.distinctRequestEvents())).containsExactly(7L, 6L);
        assertThat(List.of(s.confirmedResults(), s.failedResults(), s.abortedResultRecords())).containsExactly(2L, 1L, 2L);
        assertThat(List.of(s.providerCharges(), s.providerDeclines(), s.providerReplays())).containsExactly(3L, 1L, 1L);
    }

    @Test
    void aPaymentWhoseResultVanishedIsLost() {
        Verdict verdict = DRAINED.verify(Histories.clean().withoutResults(PAID).build());

        assertThat(invariants(verdict)).containsExactlyInAnyOrder(
                Invariant.MISSING_RESULT, Invariant.CHARGED_NOT_CONFIRMED, Invariant.INPUT_UNACCOUNTED);
        assertThat(ids(verdict, Invariant.MISSING_RESULT)).containsExactly(PAID);
        assertThat(verdict.statistics().lost()).isEqualTo(1);
        assertThat(verdict.oneLine()).contains("lost=1", "violations=3");
    }

    @Test
    void aPendingPaymentIsStuckOnlyOnceTheCallerSaysTheBacklogDrained() {
        History history = Histories.clean().payment("p-stuck", PENDING).request("p-stuck", "e-stuck").build();

        Verdict drained = DRAINED.verify(history);
        assertThat(invariants(drained)).containsExactlyInAnyOrder(Invariant.MISSING_RESULT, Invariant.INPUT_UNACCOUNTED);
        assertThat(ids(drained, Invariant.MISSING_RESULT)).containsExactly("p-stuck");
        assertThat(ids(drained, Invariant.INPUT_UNACCOUNTED)).containsExactly("p-stuck");

        Verdict inFlight = IN_FLIGHT.verify(history);
        assertThat(inFlight.violations()).isEmpty();
        assertThat(inFlight.statistics().pending()).isEqualTo(1);
    }

    @Test
    void aSecondTerminalResultIsCaught() {
        Verdict verdict = DRAINED.verify(Histories.clean().result(PAID, Outcome.CONFIRMED).build());

        assertThat(invariants(verdict)).containsExactly(Invariant.DUPLICATE_RESULT);
        assertThat(ids(verdict, Invariant.DUPLICATE_RESULT)).containsExactly(PAID);
    }

    @Test
    void aSecondSucceededChargeUnderAnotherKeyIsCaught() {
        Verdict verdict = DRAINED.verify(Histories.clean().charge(PAID, true).build());

        assertThat(invariants(verdict)).containsExactlyInAnyOrder(Invariant.CHARGED_TWICE, Invariant.CONFIRMED_NOT_CHARGED_ONCE);
        assertThat(ids(verdict, Invariant.CHARGED_TWICE)).containsExactly(PAID);
        assertThat(verdict.statistics().chargedTwice()).isEqualTo(1);
        assertThat(verdict.oneLine()).contains("charged-twice=1");
    }

    @Test
    void resultsStatusEventsAndChargesForPaymentsNobodyAcceptedAreCaught() {
        History history = Histories.clean()
                .status("p-ghost", PENDING, CONFIRMED).result("p-ghost", Outcome.CONFIRMED).charge("p-ghost", true)
                .status("p-phantom", CONFIRMED)
                .build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.RESULT_WITHOUT_INTENT);
        assertThat(ids(verdict, Invariant.RESULT_WITHOUT_INTENT)).containsExactly("p-ghost", "p-phantom");
    }

    @Test
    void onlyADeadLetteredKeyMayGetANeedsAttentionNoticeWithoutAnIntent() {
        History history = Histories.clean()
                .status("p-unknown-attention", NEEDS_ATTENTION)
                .status("poison-1", CONFIRMED)
                .build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(ids(verdict, Invariant.RESULT_WITHOUT_INTENT)).containsExactly("p-unknown-attention", "poison-1");
    }

    @Test
    void anApiServingAnotherStatusThanItsLastEventIsCaughtEvenInFlight() {
        History history = Histories.clean().serve(DECLINED, CONFIRMED).build();

        assertThat(invariants(DRAINED.verify(history))).containsExactly(Invariant.STATUS_MISMATCH);
        assertThat(ids(IN_FLIGHT.verify(history), Invariant.STATUS_MISMATCH))
                .as("FAILED cannot become CONFIRMED: the API is not lagging, it is wrong").containsExactly(DECLINED);
    }

    @Test
    void anApiOneLegalMoveBehindTheTopicIsLaggingInFlightAndWrongOnceDrained() {
        History history = Histories.clean().payment("p-lag", PENDING).request("p-lag", "e-lag")
                .status("p-lag", PENDING, CONFIRMED).result("p-lag", Outcome.CONFIRMED).charge("p-lag", true).build();

        assertThat(IN_FLIGHT.verify(history).violations()).isEmpty();
        Verdict drained = DRAINED.verify(history);
        assertThat(invariants(drained)).containsExactly(Invariant.STATUS_MISMATCH);
        assertThat(ids(drained, Invariant.STATUS_MISMATCH)).containsExactly("p-lag");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "CONFIRMED FAILED",
            "FAILED CONFIRMED",
            "CONFIRMED PENDING",
            "CONFIRMED CONFIRMED",
            "CONFIRMED NEEDS_ATTENTION",
            "FAILED NEEDS_ATTENTION",
            "PENDING FAILED PENDING"})
    void statusEventsOutOfLegalOrderAreCaught(String sequence) {
        PaymentStatus[] statuses = Arrays.stream(sequence.split(" ")).map(PaymentStatus::valueOf).toArray(PaymentStatus[]::new);
        History history = Histories.clean().payment("p-odd", statuses[statuses.length - 1]).request("p-odd", "e-odd")
                .status("p-odd", statuses).build();

        assertThat(ids(DRAINED.verify(history), Invariant.ILLEGAL_ORDER)).containsExactly("p-odd");
        assertThat(ids(IN_FLIGHT.verify(history), Invariant.ILLEGAL_ORDER)).containsExactly("p-odd");
    }

    @Test
    void retriesRefreshedAttentionAReDriveAndALateSettlementAreALegalOrder() {
        History history = Histories.clean().payment("p-long", FAILED).request("p-long", "e-long")
                .status("p-long", PENDING, PENDING, NEEDS_ATTENTION, NEEDS_ATTENTION, PENDING, NEEDS_ATTENTION, FAILED)
                .result("p-long", Outcome.FAILED).charge("p-long", false).build();

        assertThat(DRAINED.verify(history).violations()).isEmpty();
    }

    @Test
    void aResultContradictingTheStatusTopicIsCaught() {
        History history = Histories.clean().payment("p-contra", FAILED).request("p-contra", "e-contra")
                .status("p-contra", PENDING, FAILED).result("p-contra", Outcome.CONFIRMED).charge("p-contra", true).build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.RESULT_DISAGREES_WITH_STATUS);
        assertThat(ids(verdict, Invariant.RESULT_DISAGREES_WITH_STATUS)).containsExactly("p-contra");
    }

    @Test
    void aConfirmedPaymentTheProviderNeverChargedIsCaught() {
        Verdict verdict = DRAINED.verify(Histories.clean().withoutCharges(PAID).build());

        assertThat(invariants(verdict)).as("its refunds now return money from a charge the provider does not hold")
                .containsExactlyInAnyOrder(Invariant.CONFIRMED_NOT_CHARGED_ONCE, Invariant.REFUND_BEFORE_CONFIRM);
        assertThat(ids(verdict, Invariant.CONFIRMED_NOT_CHARGED_ONCE)).containsExactly(PAID);
    }

    @Test
    void aFailedPaymentTheProviderChargedIsCaught() {
        Verdict verdict = DRAINED.verify(Histories.clean().charge(DECLINED, true).build());

        assertThat(invariants(verdict)).containsExactly(Invariant.FAILED_BUT_CHARGED);
        assertThat(ids(verdict, Invariant.FAILED_BUT_CHARGED)).containsExactly(DECLINED);
    }

    @Test
    void aChargeWithoutConfirmationIsCaughtOnceDrainedButNotForNeedsAttention() {
        History history = Histories.clean().payment("p-silent", PENDING).request("p-silent", "e-silent")
                .status("p-silent", PENDING).charge("p-silent", true).build();

        assertThat(ids(DRAINED.verify(history), Invariant.CHARGED_NOT_CONFIRMED))
                .as("the clean history's NEEDS_ATTENTION payment %s was charged too, visibly", ATTENTION)
                .containsExactly("p-silent");
        assertThat(IN_FLIGHT.verify(history).violations()).isEmpty();
    }

    @Test
    void aRequestEventThatEndedNowhereIsCaught() {
        History history = Histories.clean().request("p-nobody", "e-nobody").keylessRecordWithoutId(false).build();

        Verdict verdict = DRAINED.verify(history);

        assertThat(invariants(verdict)).containsExactly(Invariant.INPUT_UNACCOUNTED);
        assertThat(ids(verdict, Invariant.INPUT_UNACCOUNTED)).containsExactly("p-nobody", Histories.REQUESTS + "-0@8");
        assertThat(IN_FLIGHT.verify(history).violations()).as("an unknown payment's event may still be on its way").isEmpty();
    }

    @Test
    void anUndecodableEventIsCaught() {
        Verdict verdict = DRAINED.verify(Histories.clean().unreadable(PAID, Histories.STATUS).build());

        assertThat(invariants(verdict)).containsExactly(Invariant.UNREADABLE_EVENT);
        assertThat(ids(verdict, Invariant.UNREADABLE_EVENT)).containsExactly(PAID);
    }

    @Test
    void theVerdictPrintsEachViolationWithAtMostTwentyPaymentIds() {
        Histories histories = Histories.clean();
        IntStream.range(0, 25).mapToObj(i -> String.format("p-twice-%02d", i)).forEach(id -> histories
                .payment(id, CONFIRMED).request(id, "e-" + id).status(id, CONFIRMED).result(id, Outcome.CONFIRMED)
                .charge(id, true).charge(id, true));
        Verdict verdict = DRAINED.verify(histories.build());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        verdict.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).startsWith(verdict.oneLine())
                .contains("VIOLATED CHARGED_TWICE (25)", "p-twice-00", "p-twice-19", "... 5 more")
                .doesNotContain("p-twice-20");
        assertThat(verdict.holds()).isFalse();
    }

    private static List<Invariant> invariants(Verdict verdict) {
        return verdict.violations().stream().map(Violation::invariant).toList();
    }

    private static List<String> ids(Verdict verdict, Invariant invariant) {
        return verdict.violation(invariant).map(Violation::paymentIds).orElse(List.of());
    }
}
