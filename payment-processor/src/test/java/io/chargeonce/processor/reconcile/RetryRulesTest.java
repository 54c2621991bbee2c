package io.chargeonce.processor.reconcile;

import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ledger.ChargeRequest;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.Origin;
import io.chargeonce.processor.support.SampleRequests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The re-drive rules both ledgers share, on payment entries (refund entries get the same rules by type). */
class RetryRulesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(24);

    private final RetryRules<LedgerEntry, LedgerEntry.Attempting, CallKind> rules = new RetryRules<>(
            new RetryLimits(3, WINDOW, Duration.ofSeconds(2),
                    new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), new SplittableRandom(1))),
            CallKind.CHARGE, CallKind.LOOKUP, "charging again could charge twice");
    private final LedgerEntry.Attempting first = LedgerEntry.Attempting.first(
            ChargeRequest.of(SampleRequests.request("pay-1"), new Origin("payments", 0, 0, 0), null, 0),
            "chargeonce-pay-1", T0, T0.plusSeconds(2));

    @Test
    void anEmptyLookupCallsAgainWithTheSameAttemptOnlyInsideTheWindow() {
        assertThat(rules.callIfSafe(first, T0.plusSeconds(5))).isInstanceOfSatisfying(Step.Call.class, call -> {
            assertThat(call.call()).isEqualTo(CallKind.CHARGE);
            assertThat(((LedgerEntry.Attempting) call.attempting()).attempt()).isEqualTo(1);
        });
        assertThat(rules.callIfSafe(first, T0.plus(WINDOW))).isInstanceOfSatisfying(Step.Decide.class, decide ->
                assertThat(((LedgerEntry.NeedsAttention) decide.next()).reason())
                        .contains("charging again could charge twice", "chargeonce-pay-1"));
    }

    @Test
    void anUnknownOutcomeWaitsUntilTheLastAttemptThenNeedsAPerson() {
        assertThat(rules.unknown(first, "provider answered 503", T0)).isInstanceOf(Step.Wait.class);
        LedgerEntry.Attempting third = first.nextAttempt(T0).nextAttempt(T0);
        assertThat(rules.unknown(third, "provider answered 503", T0)).isInstanceOfSatisfying(Step.Decide.class, decide -> {
            assertThat(decide.deadLetter()).isNull();
            assertThat(((LedgerEntry.NeedsAttention) decide.next()).reason())
                    .contains("after 3 attempt(s)", "provider answered 503", "chargeonce-pay-1");
        });
    }

    @Test
    void aRejectionDeadLettersAnIdempotencyErrorAsAConflictAndAnythingElseAsTerminal() {
        assertThat(rules.rejected(first, "idempotency_error", "rejected", T0))
                .isEqualTo(new Step.Decide<>(first.escalate("rejected", T0), FailureClass.IDEMPOTENCY_CONFLICT));
        assertThat(rules.rejected(first, "invalid_request", "rejected", T0))
                .isEqualTo(new Step.Decide<>(first.escalate("rejected", T0), FailureClass.PROVIDER_TERMINAL));
    }

    @Test
    void aReopenCallsWithTheSameKeyInsideTheWindowAndNotAfter() {
        LedgerEntry.NeedsAttention stuck = first.escalate("rejected", T0);
        ChargeRequest replayed = first.request();
        assertThat(rules.reopen(stuck.firstAttemptAt(), deadline -> stuck.reopen(replayed, deadline), T0.plusSeconds(60)))
                .get().isEqualTo(new Step.Call<>(stuck.reopen(replayed, T0.plusSeconds(62)), CallKind.CHARGE));
        assertThat(rules.reopen(stuck.firstAttemptAt(), deadline -> stuck.reopen(replayed, deadline), T0.plus(WINDOW)))
                .isEmpty();
    }
}
