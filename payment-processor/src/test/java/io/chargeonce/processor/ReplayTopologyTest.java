package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerState;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chargeonce.processor.support.SampleRequests.request;
import static io.chargeonce.processor.support.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator's replay of a dead letter does to the topology: a dead-lettered event was never
 * applied, so its replay passes the inbox; an applied event's replay is dropped by the inbox; a
 * payment the provider refused (NEEDS_ATTENTION) is re-driven by a replay with its own key, once,
 * and only inside the provider's idempotency window.
 */
class ReplayTopologyTest extends TopologyTestBase {

    @Test
    void aDeadLetteredEventIsNotSeenByTheInboxSoItsReplayIsCharged() {
        TopologyHarness h = start();
        PaymentRequested broken = request("pay-r1");
        broken.setAmountMinor(0);
        h.send(broken);
        assertThat(h.deadLetters(FailureClass.INVALID_REQUEST)).hasSize(1);
        assertThat(h.gateway.calls()).isEmpty();

        // Same event id, now chargeable (e.g. the validator's rule was fixed), replayed once.
        h.sendRaw(utf8("pay-r1"), h.serdes.requests().serialize(request("pay-r1")), replayHeaders(broken.getEventId(), 1));

        assertThat(h.gateway.charges()).singleElement()
                .satisfies(call -> assertThat(call.command().paymentId()).isEqualTo("pay-r1"));
    }

    @Test
    void aReplayOfAnAppliedEventIsDroppedByTheInbox() {
        TopologyHarness h = start();
        PaymentRequested request = request("pay-r2");
        h.send(request);
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_r2"));
        h.tick();
        assertThat(h.confirmations()).hasSize(1);
        h.statuses();

        h.sendRaw(utf8("pay-r2"), h.serdes.requests().serialize(request), replayHeaders(request.getEventId(), 1));
        h.sendRaw(utf8("pay-r2"), h.serdes.requests().serialize(request), replayHeaders(request.getEventId(), 2));
        h.tick();

        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.statuses()).isEmpty();
        assertThat(h.confirmations()).isEmpty();
        assertThat(h.count(ProcessorMetrics.INBOX, "decision", "duplicate")).isEqualTo(2);
    }

    @Test
    void aReplayOfAProviderRejectedPaymentReDrivesItWithItsOwnKeyOnce() {
        TopologyHarness h = start();
        h.send(request("pay-r3"));
        h.gateway.last().answer(new ChargeOutcome.Rejected("invalid_request_error", "account not activated"));
        h.tick();
        assertThat(h.entry("pay-r3").state()).isEqualTo(LedgerState.NEEDS_ATTENTION);
        TestRecord<byte[], DeadLetter> letter = single(h.deadLetters(FailureClass.PROVIDER_TERMINAL));
        h.statuses();

        // The operator fixed the account and replays the dead letter: original key, value, headers + count.
        h.replay(letter, 1);

        assertThat(h.gateway.charges()).hasSize(2).allSatisfy(call ->
                assertThat(call.idempotencyKey()).isEqualTo(IdempotencyKeys.forPayment("pay-r3")));
        h.gateway.last().answer(new ChargeOutcome.Succeeded("ch_r3"));
        h.tick();
        assertThat(h.entry("pay-r3").state()).isEqualTo(LedgerState.CONFIRMED);
        assertThat(h.confirmations()).singleElement().satisfies(c -> assertThat(c.getPaymentId()).isEqualTo("pay-r3"));
        assertThat(h.statuses()).singleElement()
                .satisfies(s -> assertThat(s.value().getStatus()).isEqualTo(PaymentStatus.CONFIRMED));

        // Replaying the same dead letter again: the inbox has the applied replay's claim.
        h.replay(letter, 2);
        h.tick();
        assertThat(h.gateway.charges()).hasSize(2);
        assertThat(h.confirmations()).isEmpty();
    }

    @Test
    void aPlainDuplicateOfANeedsAttentionPaymentIsStillIgnored() {
        TopologyHarness h = start();
        h.send(request("pay-r4"));
        h.gateway.last().answer(new ChargeOutcome.Rejected("invalid_request_error", "account not activated"));
        h.tick();

        // Same payment, a new event id, no replay header: a duplicate from upstream, not an operator.
        h.send(request("pay-r4", "evt-pay-r4-2"));

        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.entry("pay-r4").state()).isEqualTo(LedgerState.NEEDS_ATTENTION);
    }

    @Test
    void aReplayPastTheProvidersIdempotencyWindowChargesNoOne() {
        TopologyHarness h = start();
        h.send(request("pay-r5"));
        h.gateway.last().answer(new ChargeOutcome.Rejected("invalid_request_error", "account not activated"));
        h.tick();
        TestRecord<byte[], DeadLetter> letter = single(h.deadLetters(FailureClass.PROVIDER_TERMINAL));

        h.advance(h.config.providerIdempotencyWindow());
        h.replay(letter, 1);
        h.tick();

        assertThat(h.gateway.calls()).hasSize(1);
        assertThat(h.entry("pay-r5").state()).isEqualTo(LedgerState.NEEDS_ATTENTION);
    }

    @Test
    void aReplayTheProviderRefusesAgainIsDeadLetteredWithItsReplayCountSoTheLoopGuardCanPark() {
        TopologyHarness h = start();
        h.send(request("pay-r6"));
        refuse(h);
        TestRecord<byte[], DeadLetter> original = single(h.deadLetters(FailureClass.PROVIDER_TERMINAL));
        assertThat(TopologyHarness.originalReplayCount(original)).isNull();

        // The operator replays it twice, as 'dlt replay' does (count + 1 each round); the account
        // is still not activated, so the ledger re-drives it and the provider refuses each time.
        TestRecord<byte[], DeadLetter> once = h.replayRefusedAgain(original, 1, () -> refuse(h));
        TestRecord<byte[], DeadLetter> twice = h.replayRefusedAgain(once, 2, () -> refuse(h));

        assertThat(h.gateway.charges()).hasSize(3);
        assertThat(TopologyHarness.originalReplayCount(once)).isEqualTo("1");
        assertThat(TopologyHarness.originalReplayCount(twice)).isEqualTo("2");
        assertThat(TopologyHarness.recordReplayCount(twice)).isEqualTo("2");
        assertThat(twice.value().getEventId()).isEqualTo("evt-pay-r6-1");
        assertThat(twice.value().getOriginalHeaders()).containsKeys(EventHeaders.EVENT_ID, EventHeaders.TRACEPARENT);
        assertThat(h.entry("pay-r6")).isInstanceOfSatisfying(LedgerEntry.NeedsAttention.class,
                entry -> assertThat(entry.request().replayCount()).isEqualTo(2));
    }

    private static void refuse(TopologyHarness h) {
        h.gateway.last().answer(new ChargeOutcome.Rejected("invalid_request_error", "account not activated"));
        h.tick();
    }

    private static Headers replayHeaders(String eventId, int count) {
        Headers headers = TopologyHarness.headers(eventId);
        headers.add(EventHeaders.REPLAY_COUNT, utf8(String.valueOf(count)));
        return headers;
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.getFirst();
    }
}
