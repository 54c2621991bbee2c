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
    void anEmptyLookupCallsAgainWithTheSameAttemptOnlyInsideTheWindowThenDeadLettersSayingAReplayIsIgnored() {
        assertThat(rules.callIfSafe(first, T0.plusSeconds(5))).isInstanceOfSatisfying(Step.Call.class, call -> {
            assertThat(call.call()).isEqualTo(CallKind.CHARGE);
            assertThat(((LedgerEntry.Attempting) call.attempting()).attempt()).isEqualTo(1);
        });
        assertThat(rules.callIfSafe(first, T0.plus(WINDOW))).isInstanceOfSatisfying(Step.Decide.class, decide -> {
            assertThat(((LedgerEntry.NeedsAttention) decide.next()).reason())
                    .contains("charging again could charge twice", "chargeonce-pay-1");
            assertThat(decide.deadLetter()).satisfies(letter -> {
                assertThat(letter.failureClass()).isEqualTo(FailureClass.PROVIDER_TERMINAL);
                assertThat(letter.reasonCode()).isEqualTo(Escalation.IDEMPOTENCY_WINDOW_PASSED);
                assertThat(letter.error()).isInstanceOf(ProviderUndecidedException.class);
                assertThat(letter.message()).contains("charging again could charge twice",
                        "replay of this dead letter is ignored", "chargeonce-pay-1");
            });
        });
    }

    @Test
    void anUnknownOutcomeWaitsUntilTheLastAttemptThenNeedsAPersonAndADeadLetterToReplay() {
        assertThat(rules.unknown(first, "provider answered 503", T0)).isInstanceOf(Step.Wait.class);
        LedgerEntry.Attempting third = first.nextAttempt(T0).nextAttempt(T0);
        assertThat(rules.unknown(third, "provider answered 503", T0)).isInstanceOfSatisfying(Step.Decide.class, decide -> {
            assertThat(((LedgerEntry.NeedsAttention) decide.next()).reason())
                    .contains("after 3 attempt(s)", "provider answered 503", "chargeonce-pay-1");
            // The whole outage groups under one fingerprint, and the message says what a replay does and until when.
            assertThat(decide.deadLetter()).isEqualTo(new Escalation(FailureClass.PROVIDER_TERMINAL,
                    Escalation.RETRIES_EXHAUSTED, ((LedgerEntry.NeedsAttention) decide.next()).reason()
                    + "; 'chargeonce dlt replay' of this dead letter before " + T0.plus(WINDOW) + " (the provider's"
                    + " idempotency window since the first attempt) re-drives it with its own key chargeonce-pay-1,"
                    + " which the provider answers with whatever it already decided under it, so money cannot move"
                    + " twice; after that the ledger ignores the replay", true));
        });
    }

    @Test
    void aRejectionDeadLettersAnIdempotencyErrorAsAConflictAndAnythingElseAsTerminal() {
        // The reason code stays the class's name, so fingerprints of refusals are what they always were.
        assertThat(rules.rejected(first, "idempotency_error", "rejected", T0)).isEqualTo(new Step.Decide<>(
                first.escalate("rejected", T0), new Escalation(FailureClass.IDEMPOTENCY_CONFLICT, "idempotency_conflict",
                        "rejected", false)));
        assertThat(rules.rejected(first, "invalid_request", "rejected", T0)).isEqualTo(new Step.Decide<>(
                first.escalate("rejected", T0), new Escalation(FailureClass.PROVIDER_TERMINAL, "provider_terminal",
                        "rejected", false)));
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
