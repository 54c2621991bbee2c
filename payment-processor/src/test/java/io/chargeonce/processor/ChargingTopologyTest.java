package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerState;
import io.chargeonce.processor.reconcile.ProviderUndecidedException;
import io.chargeonce.processor.support.FakeGateway;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.chargeonce.processor.support.SampleRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The charging path on the real topology, with the provider answered by hand: one charge per
 * payment whatever arrives twice, each outcome mapped to its status and result, unknown outcomes
 * reconciled under the same key, and escalation instead of silence.
 */
class ChargingTopologyTest extends TopologyTestBase {

    @Test
    void newPaymentIsChargedOnceThenConfirmedWithOneResult() {
        TopologyHarness h = start();

        h.send(request("pay-1"));

        // Attempt recorded before the call, and the call made with the payment's key.
        assertThat(h.gateway.charges()).singleElement().satisfies(call -> {
            assertThat(call.idempotencyKey()).isEqualTo("chargeonce-pay-1");
            assertThat(call.command().amountMinor()).isEqualTo(1250);
        });
        // ... in the payment's trace, which the gateway continues as a child span
        assertThat(h.gateway.traceparents()).containsExactly(TopologyHarness.TRACEPARENT);
        assertThat(h.entry("pay-1")).isInstanceOf(LedgerEntry.Attempting.class);

        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_1"));
        h.tick();

        List<TestRecord<String, PaymentStatusChanged>> statuses = h.statuses();
        assertThat(statuses).singleElement().satisfies(status -> {
            assertThat(status.key()).isEqualTo("pay-1");
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.CONFIRMED);
            assertThat(status.value().getProviderChargeId()).isEqualTo("ch_1");
            assertThat(status.value().getAttempt()).isEqualTo(1);
            assertThat(new String(status.headers().lastHeader(EventHeaders.TRACEPARENT).value(), StandardCharsets.UTF_8))
                    .isEqualTo(TopologyHarness.TRACEPARENT);
        });
        List<PaymentConfirmed> confirmed = h.confirmations();
        assertThat(confirmed).singleElement().satisfies(result -> {
            assertThat(result.getPaymentId()).isEqualTo("pay-1");
            assertThat(result.getProviderChargeId()).isEqualTo("ch_1");
            assertThat(result.getAmountMinor()).isEqualTo(1250);
            assertThat(result.getAttempts()).isEqualTo(1);
        });
        assertThat(h.entry("pay-1").state()).isEqualTo(LedgerState.CONFIRMED);

        // Much later: nothing is due, nothing is called or published again.
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.statuses()).isEmpty();
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.count(ProcessorMetrics.PAYMENTS, "status", "CONFIRMED")).isEqualTo(1);
    }

    @Test
    void redeliveredEventIsDroppedByTheInboxAndNeverChargedTwice() {
        TopologyHarness h = start();

        h.send(request("pay-2"));
        h.send(request("pay-2"));
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_2"));
        h.tick();
        h.send(request("pay-2"));

        assertThat(h.gateway.charges()).hasSize(1);
        assertThat(h.confirmations()).hasSize(1);
        assertThat(h.count(ProcessorMetrics.INBOX, "decision", "duplicate")).isEqualTo(2);
        assertThat(h.count(ProcessorMetrics.INBOX, "decision", "new")).isEqualTo(1);
    }

    @Test
    void secondEventForTheSamePaymentIsIgnoredByTheLedger() {
        TopologyHarness h = start();

        h.send(request("pay-3", "evt-a"));
        h.send(request("pay-3", "evt-b"));
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_3"));
        h.tick();
        h.send(request("pay-3", "evt-c"));
        h.tick();

        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.confirmations()).hasSize(1);
        assertThat(h.statuses()).hasSize(1);
        assertThat(h.count(ProcessorMetrics.LEDGER, "decision", "duplicate")).isEqualTo(2);
        assertThat(h.count(ProcessorMetrics.INBOX, "decision", "new")).isEqualTo(3);
    }

    @Test
    void declineFailsThePaymentWithTheProvidersReason() {
        TopologyHarness h = start();

        h.send(request("pay-4"));
        h.gateway.last().answer(new ChargeOutcome.Declined("insufficient_funds", "Your card has insufficient funds."));
        h.tick();

        assertThat(h.statuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.FAILED);
            assertThat(status.value().getReason()).contains("Your card has insufficient funds.");
        });
        List<PaymentFailed> failed = h.failures();
        assertThat(failed).singleElement().satisfies(result -> {
            assertThat(result.getReasonCode()).isEqualTo("insufficient_funds");
            assertThat(result.getPaymentId()).isEqualTo("pay-4");
        });
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.entry("pay-4").state()).isEqualTo(LedgerState.FAILED);
    }

    @Test
    void unknownOutcomeIsLookedUpAndChargedAgainUnderTheSameKey() {
        TopologyHarness h = start();

        h.send(request("pay-5"));
        h.gateway.last().answer(new ChargeOutcome.Unknown("no answer from the provider in time"));
        h.tick();

        // Still pending, and said so, with the reason.
        assertThat(h.statuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.PENDING);
            assertThat(status.value().getReason()).contains("no answer from the provider in time");
        });
        LedgerEntry.Attempting waiting = (LedgerEntry.Attempting) h.entry("pay-5");
        assertThat(waiting.nextCheckAt()).isBetween(h.clock.instant(), h.clock.instant().plus(h.config.retryBaseBackoff()));

        // Once the backoff has passed: look up first, by the same key.
        h.advance(h.config.retryBaseBackoff());
        assertThat(h.gateway.last().kind()).isEqualTo("lookup");
        assertThat(h.gateway.last().idempotencyKey()).isEqualTo("chargeonce-pay-5");

        // The provider never saw it: charge again, same key.
        h.gateway.last().answer(new ChargeOutcome.NotFound());
        h.tick();
        assertThat(h.gateway.charges()).hasSize(2)
                .allSatisfy(call -> assertThat(call.idempotencyKey()).isEqualTo("chargeonce-pay-5"));

        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_5"));
        h.tick();
        assertThat(h.confirmations()).singleElement()
                .satisfies(result -> assertThat(result.getAttempts()).isEqualTo(2));
        assertThat(h.statuses()).singleElement()
                .satisfies(status -> assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.CONFIRMED));
        assertThat(h.count(ProcessorMetrics.RECONCILE_ATTEMPTS)).isEqualTo(1);
    }

    @Test
    void chargeFoundByLookupIsConfirmedWithoutChargingAgain() {
        TopologyHarness h = start();

        h.send(request("pay-6"));
        // The charge went through but the response was lost.
        h.gateway.last().answer(new ChargeOutcome.Unknown("connection to the provider failed: IOException"));
        h.tick();
        h.advance(h.config.retryBaseBackoff());
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_6"));
        h.tick();

        assertThat(h.gateway.charges()).hasSize(1);
        assertThat(h.gateway.lookups()).hasSize(1);
        assertThat(h.confirmations()).singleElement()
                .satisfies(result -> assertThat(result.getProviderChargeId()).isEqualTo("ch_6"));
    }

    @Test
    void outageBeyondMaxAttemptsEndsInNeedsAttentionNamingTheAttempts() {
        TopologyHarness h = start(config -> config.maxAttempts(3));

        h.send(request("pay-7"));
        outageUntilEscalated(h, "pay-7");

        assertThat(h.entry("pay-7")).isInstanceOfSatisfying(LedgerEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(3);
            assertThat(entry.reason()).contains("after 3 attempt(s)").contains("provider answered 503");
        });
        assertThat(h.gateway.calls()).extracting(FakeGateway.Call::idempotencyKey).containsOnly("chargeonce-pay-7");
        assertThat(h.gateway.charges()).hasSize(3);
        List<TestRecord<String, PaymentStatusChanged>> statuses = h.statuses();
        assertThat(statuses).extracting(s -> s.value().getStatus())
                .containsExactly(PaymentStatus.PENDING, PaymentStatus.PENDING, PaymentStatus.NEEDS_ATTENTION);
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.failures()).isEmpty();
        // chargeonce gave up, not the provider: the request is dead-lettered for an operator to replay.
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().paymentRequests().name());
            assertThat(letter.value().getPaymentId()).isEqualTo("pay-7");
            assertThat(letter.value().getEventId()).isEqualTo("evt-pay-7-1");
            assertThat(letter.value().getErrorClass()).isEqualTo(ProviderUndecidedException.class.getName());
            assertThat(letter.value().getErrorMessage()).contains("after 3 attempt(s)", "provider answered 503",
                    "re-drives it with its own key chargeonce-pay-7");
            assertThat(h.serdes.requests().deserialize(letter.value().getOriginalValue().array()).getPaymentId())
                    .isEqualTo("pay-7");
        });
        assertThat(h.deadLetters(FailureClass.IDEMPOTENCY_CONFLICT)).isEmpty();

        // Escalated means left alone: no more calls, however long we wait.
        int calls = h.gateway.calls().size();
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.calls()).hasSize(calls);
    }

    @Test
    void aPaymentAnOutageStrandedIsReDrivenByItsReplayWithItsOwnKeyAndChargedOnce() {
        TopologyHarness h = start(config -> config.maxAttempts(2));
        h.send(request("pay-7r"));
        outageUntilEscalated(h, "pay-7r");
        TestRecord<byte[], DeadLetter> original = single(h.deadLetters(FailureClass.PROVIDER_TERMINAL));
        assertThat(TopologyHarness.originalReplayCount(original)).isNull();
        h.statuses();

        // Replay 1 meets the provider still answering 503: one call with the same key, escalated
        // again (the attempts are spent), and the new dead letter carries the replay count the
        // ledger kept, so 'dlt replay's loop guard can park it.
        TestRecord<byte[], DeadLetter> once = h.replayRefusedAgain(original, 1, () -> {
            h.gateway.last().answer(new ChargeOutcome.Unknown("provider answered 503"));
            h.tick();
        });
        assertThat(TopologyHarness.originalReplayCount(once)).isEqualTo("1");
        assertThat(once.value().getOriginTopic()).isEqualTo(h.config.topics().paymentRequests().name());
        assertThat(h.entry("pay-7r")).isInstanceOfSatisfying(LedgerEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(3);
            assertThat(entry.request().replayCount()).isEqualTo(1);
        });

        // The provider is back: replay 2 charges with the payment's own key and confirms it.
        h.replay(once, 2);
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_7r"));
        h.tick();

        assertThat(h.entry("pay-7r").state()).isEqualTo(LedgerState.CONFIRMED);
        assertThat(h.gateway.calls()).extracting(FakeGateway.Call::idempotencyKey).containsOnly("chargeonce-pay-7r");
        assertThat(h.gateway.charges()).hasSize(4);
        assertThat(h.statuses()).extracting(s -> s.value().getStatus())
                .containsExactly(PaymentStatus.NEEDS_ATTENTION, PaymentStatus.CONFIRMED);
        assertThat(h.confirmations()).singleElement().satisfies(c -> assertThat(c.getProviderChargeId()).isEqualTo("ch_7r"));

        // Replaying either dead letter once more: the applied replay holds the inbox claim.
        h.replay(once, 3);
        h.replay(original, 3);
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.calls()).hasSize(5);
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).isEmpty();
    }

    @Test
    void noChargeOnceTheProvidersIdempotencyWindowHasPassed() {
        TopologyHarness h = start(config -> config.providerIdempotencyWindow(Duration.ofMinutes(1)));

        h.send(request("pay-8"));
        h.gateway.last().answer(new ChargeOutcome.Unknown("provider answered 503"));
        h.tick();
        h.advance(Duration.ofMinutes(2));

        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.entry("pay-8")).isInstanceOfSatisfying(LedgerEntry.NeedsAttention.class,
                entry -> assertThat(entry.reason()).contains("idempotency window").contains("after 1 attempt(s)"));
        assertThat(h.statuses()).extracting(s -> s.value().getStatus())
                .containsExactly(PaymentStatus.PENDING, PaymentStatus.NEEDS_ATTENTION);
        // Dead-lettered so an operator sees it, saying that a replay will not charge.
        TestRecord<byte[], DeadLetter> letter = single(h.deadLetters(FailureClass.PROVIDER_TERMINAL));
        assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().paymentRequests().name());
        assertThat(letter.value().getErrorMessage()).contains("idempotency window", "replay of this dead letter is ignored",
                "chargeonce-pay-8");

        // ...and it is not: charging again under a key the provider may have forgotten could charge twice.
        h.replay(letter, 1);
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.entry("pay-8").state()).isEqualTo(LedgerState.NEEDS_ATTENTION);
        assertThat(h.statuses()).isEmpty();
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).isEmpty();
    }

    @Test
    void providerRejectionNeedsAttentionAndDeadLettersTheRequest() {
        TopologyHarness h = start();

        h.send(request("pay-9"));
        h.gateway.last().answer(new ChargeOutcome.Rejected("idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were first used with."));
        h.tick();

        assertThat(h.statuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(PaymentStatus.NEEDS_ATTENTION);
            assertThat(status.value().getReason()).contains("idempotency_error");
        });
        assertThat(h.deadLetters(FailureClass.IDEMPOTENCY_CONFLICT)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getPaymentId()).isEqualTo("pay-9");
            assertThat(h.serdes.requests().deserialize(letter.value().getOriginalValue().array()).getPaymentId())
                    .isEqualTo("pay-9");
        });
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.failures()).isEmpty();
    }

    @Test
    void callWithoutAnOutcomePastItsDeadlineIsAbandonedAndReconciled() {
        TopologyHarness h = start();

        h.send(request("pay-10"));
        FakeGateway.Call hung = h.gateway.last();
        h.advance(h.config.callDeadline());

        assertThat(h.statuses()).singleElement().satisfies(status ->
                assertThat(status.value().getReason()).contains("no outcome within"));
        h.advance(h.config.retryMaxBackoff());
        FakeGateway.Call lookup = h.gateway.last();
        assertThat(lookup.kind()).isEqualTo("lookup");

        // The hung call finally answers: stale, ignored; the lookup decides.
        hung.answer(new ChargeOutcome.Declined("card_declined", "declined late"));
        lookup.answer(new ChargeOutcome.Succeeded("ch_10"));
        h.tick();

        assertThat(h.failures()).isEmpty();
        assertThat(h.confirmations()).singleElement()
                .satisfies(result -> assertThat(result.getProviderChargeId()).isEqualTo("ch_10"));
    }

    /** The provider answers every charge 503 and every lookup "nothing under this key" until the payment escalates. */
    private static void outageUntilEscalated(TopologyHarness h, String paymentId) {
        for (int round = 0; round < 10 && h.entry(paymentId) instanceof LedgerEntry.Attempting; round++) {
            FakeGateway.Call call = h.gateway.last();
            call.answer(call.kind().equals("lookup") ? new ChargeOutcome.NotFound() : new ChargeOutcome.Unknown("provider answered 503"));
            h.tick();
            if (h.gateway.last() == call) {
                // Waiting out the backoff: move to when the next check is due.
                h.advance(h.config.retryMaxBackoff());
            }
        }
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.getFirst();
    }
}
