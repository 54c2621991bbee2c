package io.chargeonce.processor.refund;

import io.chargeonce.processor.ledger.Origin;
import io.chargeonce.processor.support.SampleRequests;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refund state survives the changelog, replay count included, and what the version before
 * replay counts wrote still reads.
 */
class RefundEntrySerdeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** A NEEDS_ATTENTION refund exactly as the version before replay counts were kept wrote it. */
    private static final String BEFORE_REPLAY_COUNTS = """
            {"v":1,"status":"NEEDS_ATTENTION","eventId":"evt-rf-old","refundId":"rf-old","paymentId":"pay-old",\
            "merchantId":"m-1","amountMinor":400,"currency":"EUR","requestedAt":1772359200000,\
            "originTopic":"chargeonce.refund-requests.v1","originPartition":2,"originOffset":17,\
            "originTimestamp":1772359200000,"traceparent":"00-abc-def-01","idempotencyKey":"chargeonce-refund-rf-old",\
            "chargeId":"ch_old","attempt":1,"firstAttemptAt":1772359200000,\
            "reason":"provider rejected the refund: account not activated","decidedAt":1772359206000}""";
    private final RefundEntrySerde serde = new RefundEntrySerde();

    @Test
    void everyStateRoundTripsWithItsReplayCount() {
        RefundRequest request = RefundRequest.of(SampleRequests.refund("rf-s", "pay-s", 400),
                new Origin("chargeonce.refund-requests.v1", 1, 9, T0.toEpochMilli()), "00-abc-def-01", 2);
        RefundEntry.Attempting attempting = RefundEntry.Attempting.first(request, "chargeonce-refund-rf-s", "ch_s", T0,
                T0.plusSeconds(4)).unknownUntil(T0.plusSeconds(5), "attempt 1: provider answered 503");
        List<RefundEntry> entries = List.of(
                attempting,
                attempting.succeed("re_1", T0.plusSeconds(6)),
                attempting.fail("amount_too_large", "refused by the provider", T0.plusSeconds(6)),
                attempting.escalate("provider rejected the refund", T0.plusSeconds(6)));

        for (RefundEntry entry : entries) {
            RefundEntry restored = serde.deserializer().deserialize("changelog", serde.serializer().serialize("changelog", entry));
            assertThat(restored).isEqualTo(entry);
            assertThat(restored.request().replayCount()).isEqualTo(2);
        }
    }

    @Test
    void anEntryWrittenBeforeReplayCountsReadsWithCountZeroAndIsRewrittenUnchanged() {
        byte[] old = BEFORE_REPLAY_COUNTS.getBytes(StandardCharsets.UTF_8);

        RefundEntry entry = serde.deserializer().deserialize("changelog", old);

        assertThat(entry).isInstanceOfSatisfying(RefundEntry.NeedsAttention.class, attention -> {
            assertThat(attention.refundId()).isEqualTo("rf-old");
            assertThat(attention.paymentId()).isEqualTo("pay-old");
            assertThat(attention.chargeId()).isEqualTo("ch_old");
            assertThat(attention.idempotencyKey()).isEqualTo("chargeonce-refund-rf-old");
            assertThat(attention.request().amountMinor()).isEqualTo(400);
            assertThat(attention.request().replayCount()).isZero();
        });
        // A never-replayed entry keeps the old bytes, so a rollback reads it exactly as before.
        assertThat(new String(serde.serializer().serialize("changelog", entry), StandardCharsets.UTF_8))
                .isEqualTo(BEFORE_REPLAY_COUNTS);
    }
}
