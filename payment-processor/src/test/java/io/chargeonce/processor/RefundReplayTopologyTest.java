package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.refund.RefundEntry;
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
 * An operator's replay ({@code chargeonce dlt replay}) of a refund the provider rejected
 * (NEEDS_ATTENTION + dead letter): inside the provider's idempotency window it is re-driven with
 * the refund's own key and settles exactly once; past the window it is ignored, because refunding
 * again under a key the provider may have forgotten could refund twice.
 */
class RefundReplayTopologyTest extends TopologyTestBase {

    @Test
    void replayInsideTheWindowReDrivesTheRefundWithItsOwnKeyAndSettlesOnce() {
        TopologyHarness h = start();
        TestRecord<byte[], DeadLetter> letter = rejected(h, "rf-p1", "pay-p1");

        // The operator fixed the account and replays the dead letter.
        h.replay(letter, 1);

        assertThat(h.gateway.refunds()).hasSize(2).allSatisfy(call -> {
            assertThat(call.idempotencyKey()).isEqualTo("chargeonce-refund-rf-p1");
            assertThat(call.command().chargeId()).isEqualTo("ch_pay-p1");
            assertThat(call.command().amountMinor()).isEqualTo(400);
        });
        assertThat(h.refund("rf-p1")).isInstanceOfSatisfying(RefundEntry.Attempting.class,
                entry -> assertThat(entry.attempt()).isEqualTo(2));
        h.gateway.lastRefundCall().answer(new RefundOutcome.Succeeded("re_p1"));
        h.tick();

        assertThat(h.refund("rf-p1")).isInstanceOf(RefundEntry.Succeeded.class);
        assertThat(h.refundStatuses()).singleElement()
                .satisfies(status -> assertThat(status.value().getStatus()).isEqualTo(RefundStatus.SUCCEEDED));
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.key()).isEqualTo("pay-p1");
            assertThat(result.value().getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
            assertThat(result.value().getProviderRefundId()).isEqualTo("re_p1");
            assertThat(result.value().getAttempts()).isEqualTo(2);
        });
        assertThat(h.count(ProcessorMetrics.REFUND_DECISIONS, "decision", "replay")).isEqualTo(1);

        // The same dead letter replayed again, and time passing: nothing more is refunded or settled.
        h.replay(letter, 2);
        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.refundCalls()).hasSize(2);
        assertThat(h.refundStatuses()).isEmpty();
        assertThat(h.refundResults()).isEmpty();
    }

    @Test
    void replayPastTheWindowIsIgnoredAndTheRefundStaysNeedsAttention() {
        TopologyHarness h = start();
        TestRecord<byte[], DeadLetter> letter = rejected(h, "rf-p2", "pay-p2");

        h.advance(h.config.providerIdempotencyWindow());
        h.replay(letter, 1);
        h.tick();

        assertThat(h.gateway.refundCalls()).hasSize(1);
        assertThat(h.refund("rf-p2")).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class,
                entry -> assertThat(entry.attempt()).isEqualTo(1));
        assertThat(h.refundStatuses()).isEmpty();
        assertThat(h.refundResults()).isEmpty();
        assertThat(h.deadLetters(FailureClass.PROVIDER_TERMINAL)).isEmpty();
    }

    @Test
    void aReplayTheProviderRejectsAgainIsDeadLetteredWithItsReplayCountSoTheLoopGuardCanPark() {
        TopologyHarness h = start();
        TestRecord<byte[], DeadLetter> original = rejected(h, "rf-p3", "pay-p3");
        assertThat(TopologyHarness.originalReplayCount(original)).isNull();

        // Replayed as 'dlt replay' does (count + 1 each round); the provider rejects every time.
        TestRecord<byte[], DeadLetter> once = h.replayRefusedAgain(original, 1, () -> reject(h));
        TestRecord<byte[], DeadLetter> twice = h.replayRefusedAgain(once, 2, () -> reject(h));

        assertThat(h.gateway.refundCalls()).hasSize(3);
        assertThat(TopologyHarness.originalReplayCount(once)).isEqualTo("1");
        assertThat(TopologyHarness.originalReplayCount(twice)).isEqualTo("2");
        assertThat(TopologyHarness.recordReplayCount(twice)).isEqualTo("2");
        assertThat(twice.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
        assertThat(twice.value().getEventId()).isEqualTo("evt-rf-p3-1");
        assertThat(h.refund("rf-p3")).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class, entry -> {
            assertThat(entry.attempt()).isEqualTo(3);
            assertThat(entry.request().replayCount()).isEqualTo(2);
        });
        assertThat(h.refundResults()).isEmpty();
    }

    private static void reject(TopologyHarness h) {
        h.gateway.lastRefundCall().answer(new RefundOutcome.Rejected("invalid_request_error", "account not activated for refunds"));
        h.tick();
    }

    /** A confirmed payment's refund of 400 the provider rejected: NEEDS_ATTENTION, its request dead-lettered. */
    private static TestRecord<byte[], DeadLetter> rejected(TopologyHarness h, String refundId, String paymentId) {
        h.confirm(request(paymentId), "ch_" + paymentId);
        h.sendRefund(refund(refundId, paymentId, 400));
        reject(h);
        assertThat(h.refund(refundId)).isInstanceOf(RefundEntry.NeedsAttention.class);
        assertThat(h.refundStatuses()).singleElement()
                .satisfies(status -> assertThat(status.value().getStatus()).isEqualTo(RefundStatus.NEEDS_ATTENTION));
        List<TestRecord<byte[], DeadLetter>> letters = h.deadLetters(FailureClass.PROVIDER_TERMINAL);
        assertThat(letters).hasSize(1);
        assertThat(letters.getFirst().value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
        return letters.getFirst();
    }
}
