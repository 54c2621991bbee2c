package io.chargeonce.processor.ledger;

import io.chargeonce.processor.support.SampleRequests;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every ledger state survives the changelog: what a restored task reads is what was written. */
class LedgerEntrySerdeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final LedgerEntrySerde serde = new LedgerEntrySerde();

    @Test
    void everyStateRoundTrips() {
        ChargeRequest request = ChargeRequest.of(SampleRequests.request("pay-s"),
                new Origin("chargeonce.payment-requests.v1", 2, 41, T0.toEpochMilli()), "00-abc-def-01");
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
    }

    @Test
    void unreadableBytesSayWhatTheyAre() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", "{\"v\":1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read a ledger entry");
    }
}
