package io.chargeonce.processor.ledger;

import io.chargeonce.processor.support.SampleRequests;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every ledger state survives the changelog: what a restored task reads is what was written, and
 * what an older version wrote still reads.
 */
class LedgerEntrySerdeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** A NEEDS_ATTENTION entry exactly as the version before replay counts were kept wrote it. */
    private static final String BEFORE_REPLAY_COUNTS = """
            {"v":1,"state":"NEEDS_ATTENTION","eventId":"evt-pay-old","paymentId":"pay-old","merchantId":"m-1",\
            "orderId":"ord-1","customerId":"cus-1","amountMinor":1250,"currency":"EUR","requestedAt":1772359200000,\
            "originTopic":"chargeonce.payment-requests.v1","originPartition":2,"originOffset":41,\
            "originTimestamp":1772359200000,"traceparent":"00-abc-def-01","idempotencyKey":"chargeonce-pay-old",\
            "attempt":1,"firstAttemptAt":1772359200000,"reason":"provider rejected the request: account not activated",\
            "decidedAt":1772359206000}""";
    private final LedgerEntrySerde serde = new LedgerEntrySerde();

    @Test
    void everyStateRoundTrips() {
        ChargeRequest request = ChargeRequest.of(SampleRequests.request("pay-s"),
                new Origin("chargeonce.payment-requests.v1", 2, 41, T0.toEpochMilli()), "00-abc-def-01", 3);
        LedgerEntry.Attempting attempting = LedgerEntry.Attempting.first(request, "chargeonce-pay-s", T0, T0.plusSeconds(4))
                .unknownUntil(T0.plusSeconds(5), "attempt 1: provider answered 503")
                .nextAttempt(T0.plusSeconds(9));
        List<LedgerEntry> entries = List.of(
                attempting,
                attempting.confirm("ch_1", T0.plusSeconds(6)),
                attempting.fail("insufficient_funds", "declined by the provider: no", T0.plusSeconds(6)),
                attempting.escalate("no definite answer", T0.plusSeconds(6)));

        for (LedgerEntry entry : entries) {
            byte[] bytes = serde.serializer().serialize("changelog", entry);
            assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(entry);
        }
        assertThat(attempting.attempt()).isEqualTo(2);
        assertThat(attempting.lastUnknown()).isEqualTo("attempt 1: provider answered 503");
        LedgerEntry restored = serde.deserializer().deserialize("changelog", serde.serializer().serialize("changelog", attempting));
        assertThat(restored.request().replayCount()).isEqualTo(3);
    }

    @Test
    void anEntryWrittenBeforeReplayCountsReadsWithCountZeroAndIsRewrittenUnchanged() {
        byte[] old = BEFORE_REPLAY_COUNTS.getBytes(StandardCharsets.UTF_8);

        LedgerEntry entry = serde.deserializer().deserialize("changelog", old);

        assertThat(entry).isInstanceOfSatisfying(LedgerEntry.NeedsAttention.class, attention -> {
            assertThat(attention.paymentId()).isEqualTo("pay-old");
            assertThat(attention.idempotencyKey()).isEqualTo("chargeonce-pay-old");
            assertThat(attention.attempt()).isEqualTo(1);
            assertThat(attention.reason()).isEqualTo("provider rejected the request: account not activated");
            assertThat(attention.request().origin()).isEqualTo(new Origin("chargeonce.payment-requests.v1", 2, 41, T0.toEpochMilli()));
            assertThat(attention.request().replayCount()).isZero();
        });
        // A never-replayed entry keeps the old bytes, so a rollback reads it exactly as before.
        assertThat(new String(serde.serializer().serialize("changelog", entry), StandardCharsets.UTF_8))
                .isEqualTo(BEFORE_REPLAY_COUNTS);
    }

    @Test
    void unreadableBytesSayWhatTheyAre() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", "{\"v\":1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read a ledger entry");
    }
}
