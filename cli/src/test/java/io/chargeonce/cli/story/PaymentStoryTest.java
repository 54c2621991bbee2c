package io.chargeonce.cli.story;

import io.chargeonce.cli.story.PaymentFacts.DeadLettered;
import io.chargeonce.cli.story.PaymentFacts.Relayed;
import io.chargeonce.cli.story.PaymentFacts.Settlement;
import io.chargeonce.cli.story.PaymentFacts.StatusChange;
import io.chargeonce.cli.story.ProviderLookup.KeyedCharge;
import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.Invariant;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.cli.verify.RefundHistory;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.RefundStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stories told from facts built by hand: the judgement, the order and what is never printed. */
class PaymentStoryTest {

    private static final String ID = "0198c0de-0000-7000-8000-000000000001";
    private static final String KEY = "chargeonce-" + ID;
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.100Z");

    @Test
    void aSecondSucceededChargeUnderAnotherKeyIsCalledOutAsChargedTwice() {
        Intent intent = intent(PaymentStatus.CONFIRMED);
        PaymentFacts facts = new PaymentFacts(ID, Optional.of(intent), List.of(relayed("e1", 0, 200)),
                List.of(status(PaymentStatus.CONFIRMED, 1, "ch_1", 400, 0)),
                List.of(new Settlement("r1", Outcome.CONFIRMED, "charge ch_1", 1, T0.plusMillis(400), at("confirmed", 0))),
                List.of(), KEY,
                List.of(new Charge("ch_1", KEY, ID, 1250, "succeeded"), new Charge("ch_2", "retry-" + ID, ID, 1250, "succeeded")),
                List.of(new KeyedCharge("ch_1", "succeeded", 1250, "EUR", T0.plusMillis(300))), List.of(), List.of(), T0.plusSeconds(5));

        PaymentStory story = PaymentStory.of(facts);

        assertThat(story.verdict().consistent()).isFalse();
        assertThat(story.verdict().violations()).contains(Invariant.CHARGED_TWICE);
        assertThat(story.render()).contains("charge ch_2 succeeded").contains("NOT this payment's key")
                .contains("verdict: charged 2 times").contains("INCONSISTENT: CHARGED_TWICE");
    }

    @Test
    void aPoisonKeysStoryIsItsDeadLetterAndTheNoticeWithoutAnIntent() {
        String poison = "poison-7";
        PaymentFacts facts = new PaymentFacts(poison, Optional.empty(), List.of(relayed("e9", 0, 0)),
                List.of(new StatusChange("s9", PaymentStatus.NEEDS_ATTENTION, "request could not be read", null, 0,
                        T0.plusMillis(50), at("status", 0))),
                List.of(),
                List.of(new DeadLettered("UNDESERIALIZABLE", "org.apache.avro.AvroRuntimeException", "not Confluent wire format",
                        "fp-1234", "e9", at("requests", 0), T0.plusMillis(40), at("dlt.undeserializable", 0))),
                "chargeonce-" + poison, List.of(), List.of(), List.of(), List.of(), T0.plusSeconds(5));

        PaymentStory story = PaymentStory.of(facts);

        assertThat(facts.known()).isTrue();
        assertThat(story.verdict().consistent()).as("the NEEDS_ATTENTION notice of a dead-lettered key needs no intent").isTrue();
        assertThat(story.render())
                .contains("dead letter UNDESERIALIZABLE: org.apache.avro.AvroRuntimeException: not Confluent wire format "
                        + "(fingerprint fp-1234); original at chargeonce.requests-0@0, event e9")
                .contains("status NEEDS_ATTENTION, attempt 0: request could not be read")
                .contains("payment-api serves nothing (no intent)")
                .contains("no charge under it");
    }

    @Test
    void aChargeDatedToTheSecondIsToldAfterItsRequestAndAnAbortedWriteIsShownButNeverCounted() {
        // relay at +200 ms, the provider says "in second 05" (floor: before the intent), PENDING at +900 ms
        PaymentFacts facts = new PaymentFacts(ID, Optional.of(intent(PaymentStatus.PENDING)), List.of(relayed("e1", 0, 200)),
                List.of(status(PaymentStatus.PENDING, 1, null, 900, 1)), List.of(), List.of(), KEY,
                List.of(new Charge("ch_1", KEY, ID, 1250, "succeeded")),
                List.of(new KeyedCharge("ch_1", "succeeded", 1250, "EUR", Instant.parse("2026-01-02T03:04:05Z"))),
                List.of(), List.of(new PaymentFacts.Aborted(T0.plusMillis(700), at("confirmed", 0))), T0.plusSeconds(5));

        String story = PaymentStory.of(facts).render();

        assertThat(story.indexOf("relayed to Kafka")).isLessThan(story.indexOf("charge ch_1 succeeded"));
        assertThat(story.indexOf("charge ch_1 succeeded")).isLessThan(story.indexOf("status PENDING"));
        assertThat(story).containsPattern("2026-01-02 03:04:05Z +provider ledger +charge ch_1")
                .contains("status PENDING, attempt 1 outcome unknown (connection reset): reconcile by key " + KEY)
                .doesNotContain("(attempt 1: connection reset)")
                .containsPattern("chargeonce.confirmed-0@0 +written by a transaction that aborted")
                .contains("1 aborted write (never visible) — consistent");
    }

    @Test
    void anIntentNeverHoldsMoreOfTheIdempotencyKeyThanItsPrefix() {
        assertThat(Intent.prefixOf("merchant-secret-order-42")).isEqualTo("merchant");
        assertThatThrownBy(() -> new Intent(ID, "m", "o", 1, "EUR", "merchant-secret", 15, PaymentStatus.PENDING, null, null,
                T0, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(intent(PaymentStatus.PENDING).keyShown()).isEqualTo("\"key-abcd…\" (36 chars)");
    }

    @Test
    void aPartialRefundAfterAnUnknownOutcomeAndARefusedOneAreToldWithTheAuditTrailAndJudgedConsistent() {
        PaymentFacts facts = refunded(List.of());

        PaymentStory story = PaymentStory.of(facts);
        String text = story.render();

        assertThat(story.verdict().consistent()).as("violations: %s", story.verdict().violations()).isTrue();
        assertThat(text)
                .contains("refund " + R1 + " intent: 5.00 EUR")
                .contains("refund " + R1 + ": payment-api serves SUCCEEDED, provider refund re_1 (last applied status event)")
                .containsPattern("refund request event er1 \\(refund " + R1 + "\\) relayed to Kafka 100 ms after the refund was written")
                .contains("refund request event er1 again, 300 ms after its first copy: a redelivery")
                .contains("reserves the amount and refunds under key chargeonce-refund-" + R1)
                .contains("first delivery of event er2: the inbox claims it; the refund ledger checks it against the payment's "
                        + "ledger entry (confirmed? same merchant and currency? amount fits?) and refuses it without calling the provider")
                .contains("refund " + R1 + " status PENDING, attempt 1 outcome unknown (attempt 1: read timed out): look up key "
                        + "chargeonce-refund-" + R1)
                .contains("refund " + R1 + " status SUCCEEDED, attempt 2, provider refund re_1")
                .containsPattern("provider ledger +provider refund re_1 made for refund " + R1 + ": amount 500 \\(minor units\\) "
                        + "from charge ch_1, under key chargeonce-refund-" + R1 + "\\n")
                .contains("refund " + R1 + " result SUCCEEDED: provider refund re_1, 5.00 EUR, after 2 attempt(s)")
                .contains("refund " + R2 + " status FAILED, decided without calling the provider: amount_exceeds_refundable")
                .contains("refund " + R2 + " result FAILED: amount_exceeds_refundable")
                .contains("audit trail (payment-api's payment_history, in the order it was written):")
                .containsPattern("payment CONFIRMED, event s-0\\n")
                .containsPattern("refund " + R1 + " SUCCEEDED, event rs-2\\n")
                .contains("refunds: 2 (SUCCEEDED 1, FAILED 1), provider refunded 500 (minor units) in 1 refund — consistent");
        // time order: the refund's intent, its relay, the unknown outcome, SUCCEEDED; the trail comes after. The provider
        // keeps seconds: its refund (made in attempt 1, whose answer was lost) is placed right after the relay, not before it
        assertThat(text.indexOf(R1 + " intent")).isLessThan(text.indexOf("relayed to Kafka 100 ms"));
        assertThat(text.indexOf("relayed to Kafka 100 ms")).isLessThan(text.indexOf(R1 + " status PENDING"));
        assertThat(text.indexOf("relayed to Kafka 100 ms")).isLessThan(text.indexOf("provider refund re_1 made"));
        assertThat(text.indexOf(R1 + " status PENDING")).isLessThan(text.indexOf(R1 + " status SUCCEEDED"));
        assertThat(text.indexOf("provider refund re_1 made")).isLessThan(text.indexOf(R1 + " status SUCCEEDED"));
        assertThat(text.indexOf(R1 + " status SUCCEEDED")).isLessThan(text.indexOf("audit trail"));
    }

    @Test
    void moneyReturnedForARefusedRefundIsCalledOut() {
        PaymentFacts facts = refunded(List.of(new ProviderLedger.Refund("re_2", "chargeonce-refund-" + R2, "ch_1", ID, R2, 700,
                "eur", "succeeded", T0.plusSeconds(2))));

        PaymentStory story = PaymentStory.of(facts);

        assertThat(story.verdict().consistent()).isFalse();
        assertThat(story.verdict().violations()).containsExactly(Invariant.REFUND_UNTRUTHFUL);
        assertThat(story.render()).contains("provider refunded 1200 (minor units) in 2 refunds — INCONSISTENT: REFUND_UNTRUTHFUL");
    }

    private static final String R1 = "0198c0de-0000-7000-8000-0000000000r1";
    private static final String R2 = "0198c0de-0000-7000-8000-0000000000r2";

    /** A confirmed payment with a 5.00 refund that settled after a lookup and a 20.00 one refused by the ledger. */
    private static PaymentFacts refunded(List<ProviderLedger.Refund> extraProviderRefunds) {
        Instant r1At = T0.plusSeconds(1);
        Instant r2At = T0.plusSeconds(3);
        List<RefundHistory.Refund> rows = List.of(
                new RefundHistory.Refund(R1, ID, "m-1", 500, "EUR", RefundStatus.SUCCEEDED, null, null, "re_1", r1At,
                        r1At.plusMillis(900)),
                new RefundHistory.Refund(R2, ID, "m-1", 2000, "EUR", RefundStatus.FAILED, "more than is left to refund",
                        "amount_exceeds_refundable", null, r2At, r2At.plusMillis(200)));
        List<RefundFacts.Requested> requests = List.of(
                new RefundFacts.Requested(R1, "er1", at("refund-requests", 0), r1At.plusMillis(100)),
                new RefundFacts.Requested(R1, "er1", at("refund-requests", 1), r1At.plusMillis(400)),
                new RefundFacts.Requested(R2, "er2", at("refund-requests", 2), r2At.plusMillis(100)));
        List<RefundFacts.StatusChange> statuses = List.of(
                new RefundFacts.StatusChange(R1, "rs-0", RefundStatus.PENDING, "attempt 1: read timed out", null, null, 1,
                        r1At.plusMillis(300), at("refund-status", 0)),
                new RefundFacts.StatusChange(R1, "rs-2", RefundStatus.SUCCEEDED, null, null, "re_1", 2,
                        r1At.plusMillis(800), at("refund-status", 1)),
                new RefundFacts.StatusChange(R2, "rs-3", RefundStatus.FAILED, "more than is left to refund",
                        "amount_exceeds_refundable", null, 0, r2At.plusMillis(150), at("refund-status", 2)));
        List<RefundFacts.Settled> results = List.of(
                new RefundFacts.Settled(R1, "rr-1", RefundStatus.SUCCEEDED, 500, "EUR", "re_1", null, null, 2,
                        r1At.plusMillis(800), at("refund-results", 0)),
                new RefundFacts.Settled(R2, "rr-2", RefundStatus.FAILED, 2000, "EUR", null, "amount_exceeds_refundable",
                        "more than is left to refund", 0, r2At.plusMillis(150), at("refund-results", 1)));
        List<ProviderLedger.Refund> made = new java.util.ArrayList<>(List.of(new ProviderLedger.Refund("re_1",
                "chargeonce-refund-" + R1, "ch_1", ID, R1, 500, "eur", "succeeded", Instant.parse("2026-01-02T03:04:06Z"))));
        made.addAll(extraProviderRefunds);
        List<AuditEntry> trail = List.of(
                new AuditEntry(T0, null, "PENDING", null, null),
                new AuditEntry(T0.plusMillis(400), null, "CONFIRMED", null, "s-0"),
                new AuditEntry(r1At, R1, "PENDING", null, null),
                new AuditEntry(r1At.plusMillis(900), R1, "SUCCEEDED", null, "rs-2"),
                new AuditEntry(r2At, R2, "PENDING", null, null),
                new AuditEntry(r2At.plusMillis(200), R2, "FAILED", "more than is left to refund", "rs-3"));
        return new PaymentFacts(ID, Optional.of(intent(PaymentStatus.CONFIRMED)), List.of(relayed("e1", 0, 200)),
                List.of(status(PaymentStatus.CONFIRMED, 1, "ch_1", 400, 0)),
                List.of(new Settlement("r1", Outcome.CONFIRMED, "charge ch_1", 1, T0.plusMillis(400), at("confirmed", 0))),
                List.of(), KEY, List.of(new Charge("ch_1", KEY, ID, 1250, "succeeded")),
                List.of(new KeyedCharge("ch_1", "succeeded", 1250, "EUR", T0)), List.of(), List.of(), T0.plusSeconds(5),
                new RefundFacts(rows, requests, statuses, results, made), trail);
    }

    private static Intent intent(PaymentStatus status) {
        return new Intent(ID, "m-1", "order-1", 1250, "EUR", "key-abcd", 36, status, null,
                status == PaymentStatus.CONFIRMED ? "ch_1" : null, T0, status == PaymentStatus.PENDING ? T0 : T0.plusMillis(450));
    }

    private static Relayed relayed(String eventId, long offset, long afterMillis) {
        return new Relayed(eventId, new Coordinates("chargeonce.requests", 0, offset), T0.plusMillis(afterMillis));
    }

    private static StatusChange status(PaymentStatus status, int attempt, String chargeId, long afterMillis, long offset) {
        String reason = status == PaymentStatus.PENDING ? "attempt " + attempt + ": connection reset" : null;
        return new StatusChange("s-" + offset, status, reason, chargeId, attempt, T0.plusMillis(afterMillis), at("status", offset));
    }

    private static Coordinates at(String topic, long offset) {
        return new Coordinates("chargeonce." + topic, 0, offset);
    }
}
