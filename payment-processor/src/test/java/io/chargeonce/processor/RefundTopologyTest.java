package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.gateway.ChargeOutcome;
import io.chargeonce.processor.gateway.RefundOutcome;
import io.chargeonce.processor.refund.RefundEntry;
import io.chargeonce.processor.support.FakeGateway;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.processor.support.TopologyTestBase;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.chargeonce.processor.support.SampleRequests.refund;
import static io.chargeonce.processor.support.SampleRequests.request;
import static io.chargeonce.processor.support.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refund path on the real topology, provider answered by hand: a refund of a confirmed payment
 * is made once under its own key whatever arrives twice, the ledger refuses what cannot be refunded
 * without calling the provider, unknown outcomes are reconciled under the same key, and the
 * provider's refusals and rejections end as FAILED or NEEDS_ATTENTION. Sample payments are 1250 USD.
 */
class RefundTopologyTest extends TopologyTestBase {

    @Test
    void refundOfAConfirmedPaymentIsMadeOnceAndSettlesWithOneResult() {
        TopologyHarness h = start();
        h.confirm(request("pay-r1"), "ch_r1");

        h.sendRefund(refund("rf-1", "pay-r1", 500));

        FakeGateway.RefundCall call = h.gateway.lastRefundCall();
        assertThat(call.kind()).isEqualTo("refund");
        assertThat(call.idempotencyKey()).isEqualTo("chargeonce-refund-rf-1");
        assertThat(call.command().chargeId()).isEqualTo("ch_r1");
        assertThat(call.command().amountMinor()).isEqualTo(500);
        assertThat(call.command().reason()).isEqualTo("requested_by_customer");
        assertThat(h.refund("rf-1")).isInstanceOf(RefundEntry.Attempting.class);

        call.answer(new RefundOutcome.Succeeded("re_1"));
        h.tick();

        assertThat(h.refundStatuses()).singleElement().satisfies(status -> {
            assertThat(status.key()).isEqualTo("pay-r1");
            assertThat(status.value().getRefundId()).isEqualTo("rf-1");
            assertThat(status.value().getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
            assertThat(status.value().getProviderRefundId()).isEqualTo("re_1");
            assertThat(status.value().getAttempt()).isEqualTo(1);
            assertThat(new String(status.headers().lastHeader(EventHeaders.TRACEPARENT).value(), StandardCharsets.UTF_8))
                    .isEqualTo(TopologyHarness.TRACEPARENT);
        });
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.key()).isEqualTo("pay-r1");
            RefundSettled settled = result.value();
            assertThat(settled.getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
            assertThat(settled.getProviderRefundId()).isEqualTo("re_1");
            assertThat(settled.getAmountMinor()).isEqualTo(500);
            assertThat(settled.getCurrency()).isEqualTo("USD");
            assertThat(settled.getAttempts()).isEqualTo(1);
        });
        // The payment's own truth is untouched by its refund.
        assertThat(h.statuses()).isEmpty();

        h.advance(Duration.ofHours(1));
        assertThat(h.gateway.refundCalls()).hasSize(1);
        assertThat(h.refundStatuses()).isEmpty();
        assertThat(h.refundResults()).isEmpty();
        assertThat(h.count(ProcessorMetrics.REFUNDS, "status", "SUCCEEDED")).isEqualTo(1);
        assertThat(h.count(ProcessorMetrics.PROVIDER_REFUND_CALLS, "call", "refund", "outcome", "succeeded")).isEqualTo(1);
    }

    @Test
    void redeliveredRefundEventIsDroppedByTheSharedInbox() {
        TopologyHarness h = start();
        h.confirm(request("pay-r2"), "ch_r2");

        h.sendRefund(refund("rf-2", "pay-r2", 300));
        h.sendRefund(refund("rf-2", "pay-r2", 300));

        assertThat(h.gateway.refunds()).hasSize(1);
        assertThat(h.count(ProcessorMetrics.INBOX, "decision", "duplicate")).isEqualTo(1);
    }

    @Test
    void secondRequestForAKnownRefundIdIsIgnored() {
        TopologyHarness h = start();
        h.confirm(request("pay-r3"), "ch_r3");

        h.sendRefund(refund("rf-3", "pay-r3", 300, "evt-a"));
        h.gateway.lastRefundCall().answer(new RefundOutcome.Succeeded("re_3"));
        h.tick();
        h.sendRefund(refund("rf-3", "pay-r3", 300, "evt-b"));
        h.tick();

        assertThat(h.gateway.refundCalls()).hasSize(1);
        assertThat(h.refundResults()).hasSize(1);
        assertThat(h.refundStatuses()).hasSize(1);
        assertThat(h.count(ProcessorMetrics.REFUND_DECISIONS, "decision", "duplicate")).isEqualTo(1);
    }

    @Test
    void refundOfAnUnknownPendingOrDeclinedPaymentFailsWithoutCallingTheProvider() {
        TopologyHarness h = start();
        h.send(request("pay-pending"));
        h.send(request("pay-declined"));
        h.gateway.last().answer(new ChargeOutcome.Declined("card_declined", "declined"));
        h.tick();

        h.sendRefund(refund("rf-unknown", "pay-nobody", 100));
        h.sendRefund(refund("rf-pending", "pay-pending", 100));
        h.sendRefund(refund("rf-declined", "pay-declined", 100));

        assertThat(h.gateway.refundCalls()).isEmpty();
        assertThat(h.refundResults()).extracting(TestRecord::value).hasSize(3).allSatisfy(result -> {
            assertThat(result.getStatus()).isEqualTo(RefundStatus.FAILED);
            assertThat(result.getReasonCode()).isEqualTo("payment_not_confirmed");
            assertThat(result.getAttempts()).isZero();
        });
        assertThat(h.refundStatuses()).extracting(TestRecord::value).hasSize(3).allSatisfy(status -> {
            assertThat(status.getStatus()).isEqualTo(RefundStatus.FAILED);
            assertThat(status.getReasonCode()).isEqualTo("payment_not_confirmed");
            assertThat(status.getAttempt()).isZero();
        });
        assertThat(h.count(ProcessorMetrics.REFUND_DECISIONS, "decision", "payment_not_confirmed")).isEqualTo(3);
    }

    @Test
    void refundForAnotherMerchantOrCurrencyFailsAsAMismatch() {
        TopologyHarness h = start();
        h.confirm(request("pay-r4"), "ch_r4");

        RefundRequested otherMerchant = refund("rf-4a", "pay-r4", 100);
        otherMerchant.setMerchantId("merchant-8");
        RefundRequested otherCurrency = refund("rf-4b", "pay-r4", 100);
        otherCurrency.setCurrency("EUR");
        h.sendRefund(otherMerchant);
        h.sendRefund(otherCurrency);

        assertThat(h.gateway.refundCalls()).isEmpty();
        assertThat(h.refundResults()).extracting(r -> r.value().getReasonCode()).containsExactly("refund_mismatch", "refund_mismatch");
    }

    @Test
    void refundsBeyondTheChargedAmountFailWhileTheFirstIsReservedAndFitAgainOnceItFailed() {
        TopologyHarness h = start();
        h.confirm(request("pay-r5"), "ch_r5");

        h.sendRefund(refund("rf-5a", "pay-r5", 1000));
        FakeGateway.RefundCall first = h.gateway.lastRefundCall();
        // Still in flight: its 1000 are reserved, 250 are left.
        h.sendRefund(refund("rf-5b", "pay-r5", 500));

        assertThat(h.gateway.refunds()).hasSize(1);
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.value().getRefundId()).isEqualTo("rf-5b");
            assertThat(result.value().getReasonCode()).isEqualTo("amount_exceeds_refundable");
            assertThat(result.value().getReason()).contains("charged 1250", "already refunded or pending 1000");
        });

        // The provider refuses the first: no money moved, its reservation is released.
        first.answer(new RefundOutcome.Refused("charge_already_refunded", "The charge has already been refunded."));
        h.tick();
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.value().getRefundId()).isEqualTo("rf-5a");
            assertThat(result.value().getStatus()).isEqualTo(RefundStatus.FAILED);
            assertThat(result.value().getReasonCode()).isEqualTo("charge_already_refunded");
            assertThat(result.value().getAttempts()).isEqualTo(1);
        });
        h.sendRefund(refund("rf-5c", "pay-r5", 1250));
        assertThat(h.gateway.refunds()).hasSize(2);
        assertThat(h.gateway.lastRefundCall().idempotencyKey()).isEqualTo("chargeonce-refund-rf-5c");
    }

    @Test
    void unknownOutcomeIsLookedUpThenRefundedAgainUnderTheSameKey() {
        TopologyHarness h = start();
        h.confirm(request("pay-r6"), "ch_r6");

        h.sendRefund(refund("rf-6", "pay-r6", 400));
        h.gateway.lastRefundCall().answer(new RefundOutcome.Unknown("provider answered 503"));
        h.tick();

        assertThat(h.refundStatuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(RefundStatus.PENDING);
            assertThat(status.value().getReason()).contains("provider answered 503");
        });

        h.advance(h.config.retryBaseBackoff());
        assertThat(h.gateway.lastRefundCall().kind()).isEqualTo("lookup");
        assertThat(h.gateway.lastRefundCall().idempotencyKey()).isEqualTo("chargeonce-refund-rf-6");

        h.gateway.lastRefundCall().answer(new RefundOutcome.NotFound());
        h.tick();
        assertThat(h.gateway.refunds()).hasSize(2)
                .allSatisfy(call -> assertThat(call.idempotencyKey()).isEqualTo("chargeonce-refund-rf-6"));

        h.gateway.lastRefundCall().answer(new RefundOutcome.Succeeded("re_6"));
        h.tick();
        assertThat(h.refundResults()).singleElement().satisfies(result -> {
            assertThat(result.value().getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
            assertThat(result.value().getAttempts()).isEqualTo(2);
        });
    }

    @Test
    void refundFoundByLookupSucceedsWithoutRefundingAgain() {
        TopologyHarness h = start();
        h.confirm(request("pay-r7"), "ch_r7");

        h.sendRefund(refund("rf-7", "pay-r7", 400));
        // The refund was made but the response was dropped.
        h.gateway.lastRefundCall().answer(new RefundOutcome.Unknown("connection to the provider failed: IOException"));
        h.tick();
        h.advance(h.config.retryBaseBackoff());
        h.gateway.lastRefundCall().answer(new RefundOutcome.Succeeded("re_7"));
        h.tick();

        assertThat(h.gateway.refunds()).hasSize(1);
        assertThat(h.gateway.refundCalls()).hasSize(2);
        assertThat(h.refundResults()).singleElement()
                .satisfies(result -> assertThat(result.value().getProviderRefundId()).isEqualTo("re_7"));
        assertThat(h.refund("rf-7")).isInstanceOf(RefundEntry.Succeeded.class);
    }

    @Test
    void idempotencyErrorNeedsAttentionAndDeadLettersTheRefundRequest() {
        TopologyHarness h = start();
        h.confirm(request("pay-r8"), "ch_r8");

        h.sendRefund(refund("rf-8", "pay-r8", 400));
        h.gateway.lastRefundCall().answer(new RefundOutcome.Rejected("idempotency_error", "Keys can only be used with the same parameters"));
        h.tick();

        assertThat(h.refundStatuses()).singleElement().satisfies(status -> {
            assertThat(status.value().getStatus()).isEqualTo(RefundStatus.NEEDS_ATTENTION);
            assertThat(status.value().getReason()).contains("idempotency_error", "chargeonce-refund-rf-8");
        });
        assertThat(h.refundResults()).isEmpty();
        List<TestRecord<byte[], DeadLetter>> letters = h.deadLetters(FailureClass.IDEMPOTENCY_CONFLICT);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo(utf8("pay-r8"));
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
            assertThat(letter.value().getEventId()).isEqualTo("evt-rf-8-1");
            RefundRequested original = h.serdes.refundRequests().deserialize(h.config.topics().refundRequests().name(),
                    letter.value().getOriginalValue().array());
            assertThat(original.getRefundId()).isEqualTo("rf-8");
        });
        assertThat(h.refund("rf-8")).isInstanceOf(RefundEntry.NeedsAttention.class);
    }

    @Test
    void undecodableRefundIsDeadLetteredWithItsOriginAndThePipelineMovesOn() {
        TopologyHarness h = start();
        h.confirm(request("pay-r9"), "ch_r9");

        h.sendRefundRaw(utf8("pay-r9"), "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8), TopologyHarness.headers("evt-poison"));
        h.sendRefund(refund("rf-9", "pay-r9", 100));

        assertThat(h.deadLetters(FailureClass.UNDESERIALIZABLE)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
            assertThat(letter.value().getPaymentId()).isEqualTo("pay-r9");
            assertThat(letter.value().getEventId()).isEqualTo("evt-poison");
        });
        // No refund id could be read, so no refund status; the next refund goes through.
        assertThat(h.refundStatuses()).isEmpty();
        assertThat(h.gateway.refunds()).singleElement()
                .satisfies(call -> assertThat(call.idempotencyKey()).isEqualTo("chargeonce-refund-rf-9"));
    }

    @Test
    void invalidRefundIsDeadLetteredAndItsRefundNeedsAttention() {
        TopologyHarness h = start();
        h.confirm(request("pay-r10"), "ch_r10");

        h.sendRefund(refund("rf-10", "pay-r10", 0));

        assertThat(h.deadLetters(FailureClass.INVALID_REQUEST)).singleElement().satisfies(letter -> {
            assertThat(letter.value().getOriginTopic()).isEqualTo(h.config.topics().refundRequests().name());
            assertThat(letter.value().getErrorMessage()).contains("rf-10", "must be > 0");
        });
        assertThat(h.refundStatuses()).singleElement().satisfies(status -> {
            RefundStatusChanged value = status.value();
            assertThat(value.getStatus()).isEqualTo(RefundStatus.NEEDS_ATTENTION);
            assertThat(value.getRefundId()).isEqualTo("rf-10");
            assertThat(value.getReason()).contains("INVALID_REQUEST", "amount_not_positive");
        });
        assertThat(h.gateway.refundCalls()).isEmpty();
    }
}
