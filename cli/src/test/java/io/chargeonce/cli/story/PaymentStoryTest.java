package io.chargeonce.cli.story;

import io.chargeonce.cli.story.PaymentFacts.DeadLettered;
import io.chargeonce.cli.story.PaymentFacts.Relayed;
import io.chargeonce.cli.story.PaymentFacts.Settlement;
import io.chargeonce.cli.story.PaymentFacts.StatusChange;
import io.chargeonce.cli.story.ProviderLookup.KeyedCharge;
import io.chargeonce.cli.verify.History.Coordinates;
import io.chargeonce.cli.verify.History.Outcome;
import io.chargeonce.cli.verify.Invariant;
import io.chargeonce.cli.verify.ProviderLedger.Charge;
import io.chargeonce.events.PaymentStatus;
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
