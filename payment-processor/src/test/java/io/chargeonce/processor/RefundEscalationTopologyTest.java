package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.reconcile.ProviderUndecidedException;
import io.chargeonce.processor.refund.RefundEntry;
import io.chargeonce.processor.support.FakeGateway;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.chargeonce.processor.support.SampleRequests.refund;
import static io.chargeonce.processor.support.SampleRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where re-driving a refund by key stops: after {@code maxAttempts} unknown outcomes, or once the
 * provider's idempotency window since attempt 1 has passed, the refund needs a person
 * (NEEDS_ATTENTION, naming the key to look up) instead of being refunded again blind, and it
 * settles nothing. Its request is dead-lettered as PROVIDER_TERMINAL: an operator's replay
 * re-drives it with its own key inside the window and is ignored past it. Sample payments are 1250 USD.
 */
class RefundEscalationTopologyTest extends TopologyTestBase {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    @Test
    void outcomeUnknownPastMaxAttemptsNeedsAttentionNamingTheKeyAndSettlesNothing() {
        TopologyHarness h = start(config -> config.maxAttempts(3));
        h.confirm(request("pay-e1"), "ch_e1");

        h.sendRefund(refund("rf-e1", "pay-e1", 1000));
        outageUntilEscalated(h, "rf-e1");

        assertThat(h.refund("rf-e1")).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(3);
            assertThat(entry.reason()).contains("after 3 attempt(s)", "provider answered 503", "chargeonce-refund-rf-e1");
        });
        assertThat(h.gateway.refundCalls()).extracting(FakeGateway.RefundCall::idempotencyKey)
                .containsOnly("chargeonce-refund-rf-e1");
        assertThat(h.gateway.refunds()).hasSize(3);
        List<TestRecord<String, RefundStatusChanged>> statuses = h.refundStatuses();
        assertThat(statuses).extracting(s -> s.value().getStatus() + " " + s.value().getAttempt())
                .containsExactly("PENDING 1", "PENDING 2", "NEEDS_ATTENTION 3");
        assertThat(statuses.getLast().value().getReason()).contains("chargeonce-refund-rf-e1");
        assertThat(h.refundResults()).isEmpty();
        assertThat(h.count(ProcessorMetrics.REFUNDS, "status", "NEEDS_ATTENTION")).isEqualTo(1);
        // chargeonce gave up, not the provider: the request is dead-lettered for an operator to replay.
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
            assertThat(letter.value().getPaymentId()).isEqualTo("pay-e1");
            assertThat(letter.value().getEventId()).isEqualTo("evt-rf-e1-1");
            assertThat(letter.value().getErrorClass()).isEqualTo(ProviderUndecidedException.class.getName());
            assertThat(letter.value().getErrorMessage()).contains("after 3 attempt(s)", "provider answered 503",
                    "re-drives it with its own key chargeonce-refund-rf-e1");
        });

        // Escalated means left alone, and its amount stays reserved: the money may have moved.
        int calls = h.gateway.refundCalls().size();
        h.advance(Duration.ofHours(1));
        h.sendRefund(refund("rf-e1b", "pay-e1", 500));
        assertThat(h.gateway.refundCalls()).hasSize(calls);
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.value().getRefundId()).isEqualTo("rf-e1b");
            assertThat(result.value().getReasonCode()).isEqualTo("amount_exceeds_refundable");
        });
    }

    @Test
    void aRefundAnOutageStrandedIsReDrivenByItsReplayWithItsOwnKeyAndSettlesOnce() {
        TopologyHarness h = start(config -> config.maxAttempts(2));
        h.confirm(request("pay-e4"), "ch_e4");
        h.sendRefund(refund("rf-e4", "pay-e4", 400));
        outageUntilEscalated(h, "rf-e4");
        List<TestRecord<byte[], DeadLetter>> letters = h.deadLetters(FailureClass.PROVIDER_TERMINAL);
        assertThat(letters).hasSize(1);
        TestRecord<byte[], DeadLetter> original = letters.getFirst();
        assertThat(original.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
        h.refundStatuses();

        // Replay 1 meets the provider still answering 503: escalated again, and the new dead letter
        // carries the replay count the refund ledger kept.
        TestRecord<byte[], DeadLetter> once = h.replayRefusedAgain(original, 1, () -> {
            h.gateway.lastRefundCall().answer(new RefundOutcome.Unknown("provider answered 503"));
            h.tick();
        });
        assertThat(TopologyHarness.originalReplayCount(once)).isEqualTo("1");
        assertThat(h.refund("rf-e4")).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(3);
            assertThat(entry.request().replayCount()).isEqualTo(1);
        });

        // The provider is back: replay 2 refunds with the refund's own key and settles it once.
        h.replay(once, 2);
        h.gateway.lastRefundCall().answer(new RefundOutcome.Succeeded("re_e4"));
        h.tick();

        assertThat(h.refund("rf-e4")).isInstanceOf(RefundEntry.Succeeded.class);
        assertThat(h.gateway.refundCalls()).extracting(FakeGateway.RefundCall::idempotencyKey)
                .containsOnly("chargeonce-refund-rf-e4");
        assertThat(h.gateway.refunds()).hasSize(4);
        assertThat(h.refundStatuses()).extracting(s -> s.value().getStatus())
                .containsExactly(RefundStatus.NEEDS_ATTENTION, RefundStatus.SUCCEEDED);
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.value().getProviderRefundId()).isEqualTo("re_e4");
            assertThat(result.value().getAttempts()).isEqualTo(4);
        });

        // Replaying either dead letter once more moves nothing.
        h.replay(once, 3);
        h.replay(original, 3);
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.refundCalls()).hasSize(5);
        assertThat(h.refundResults()).isEmpty();
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).isEmpty();
    }

    @Test
    void noLookupNorRefundOnceTheWindowSinceAttemptOneHasPassed() {
        TopologyHarness h = refundWithUnknownOutcome("rf-e2", "pay-e2");
        // The processor was down past the window: the refund is due only now.
        h.advance(WINDOW.multipliedBy(2));

        assertThat(h.gateway.refundCalls()).hasSize(1);
        TestRecord<byte[], DeadLetter> letter = assertWindowPassed(h, "rf-e2", 1);
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.refundCalls()).hasSize(1);

        // Its replay is ignored, as its dead letter says: refunding again could refund twice.
        h.replay(letter, 1);
        h.tick();
        assertThat(h.gateway.refundCalls()).hasSize(1);
        assertThat(h.refund("rf-e2")).isInstanceOf(RefundEntry.NeedsAttention.class);
        assertThat(h.refundStatuses()).isEmpty();
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).isEmpty();
    }

    @Test
    void lookupThatFindsNothingAfterTheWindowPassedDoesNotRefundAgain() {
        TopologyHarness h = refundWithUnknownOutcome("rf-e3", "pay-e3");
        h.advance(h.config.retryMaxBackoff());
        FakeGateway.RefundCall lookup = h.gateway.lastRefundCall();
        assertThat(lookup.kind()).isEqualTo("lookup");

        // Inside the window "nothing under this key" means refund again; the provider may have
        // forgotten the key by now, so here it means nothing.
        lookup.answer(new RefundOutcome.NotFound());
        h.advance(WINDOW);

        assertThat(h.gateway.refunds()).hasSize(1);
        assertThat(h.gateway.refundCalls()).hasSize(2);
        assertWindowPassed(h, "rf-e3", 2);
    }

    /** A 1-minute window; a refund of 400 whose first call's outcome is unknown (PENDING). */
    private TopologyHarness refundWithUnknownOutcome(String refundId, String paymentId) {
        TopologyHarness h = start(config -> config.providerIdempotencyWindow(WINDOW));
        h.confirm(request(paymentId), "ch_" + paymentId);
        h.sendRefund(refund(refundId, paymentId, 400));
        h.gateway.lastRefundCall().answer(new RefundOutcome.Unknown("provider answered 503"));
        h.tick();
        return h;
    }

    /** The provider answers every refund 503 and every lookup "nothing under this key" until the refund escalates. */
    private static void outageUntilEscalated(TopologyHarness h, String refundId) {
        for (int round = 0; round < 12 && h.refund(refundId) instanceof RefundEntry.Attempting; round++) {
            FakeGateway.RefundCall call = h.gateway.lastRefundCall();
            call.answer(call.kind().equals("lookup") ? new RefundOutcome.NotFound() : new RefundOutcome.Unknown("provider answered 503"));
            h.tick();
            if (h.gateway.lastRefundCall() == call) {
                // Waiting out the backoff: move to when the next check is due.
                h.advance(h.config.retryMaxBackoff());
            }
        }
    }

    /** NEEDS_ATTENTION at {@code attempt}, its status naming the key, no result, one dead letter saying a replay is ignored. */
    private static TestRecord<byte[], DeadLetter> assertWindowPassed(TopologyHarness h, String refundId, int attempt) {
        String key = "chargeonce-refund-" + refundId;
        assertThat(h.refund(refundId)).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(attempt);
            assertThat(entry.reason()).contains("idempotency window", "refund twice", key);
        });
        List<TestRecord<String, RefundStatusChanged>> statuses = h.refundStatuses();
        assertThat(statuses).extracting(s -> s.value().getStatus())
                .containsExactly(RefundStatus.PENDING, RefundStatus.NEEDS_ATTENTION);
        assertThat(statuses.getLast().value().getReason()).contains("idempotency window", key);
        assertThat(h.refundResults()).isEmpty();
        List<TestRecord<byte[], DeadLetter>> letters = h.deadLetters(FailureClass.PROVIDER_TERMINAL);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
            assertThat(letter.value().getErrorMessage()).contains("idempotency window", "replay of this dead letter is ignored", key);
        });
        return letters.getFirst();
    }
}
