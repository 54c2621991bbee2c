package io.chargeonce.processor.ledger;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The index's byte order is time order, so a range scan up to "now" returns exactly what is due. */
class DueIndexTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void rangeUpToNowHoldsExactlyTheDueKeysInTimeOrder() {
        // TreeMap<Bytes> sorts like RocksDB: unsigned lexicographic bytes.
        TreeMap<Bytes, String> index = new TreeMap<>();
        for (var entry : List.of(
                new Object[]{NOW.plusMillis(1), "later-by-1ms"},
                new Object[]{NOW, "zz-due-now"},
                new Object[]{NOW.minusSeconds(3600), "an-hour-ago"},
                new Object[]{NOW.minusMillis(1), "a"},
                new Object[]{Instant.ofEpochMilli(0x0100), "crosses-a-byte"},
                new Object[]{NOW.plusSeconds(86_400), "tomorrow"})) {
            index.put(DueIndex.key((Instant) entry[0], (String) entry[1]), (String) entry[1]);
        }

        assertThat(index.subMap(DueIndex.start(), true, DueIndex.dueBy(NOW), true).values())
                .containsExactly("crosses-a-byte", "an-hour-ago", "a", "zz-due-now");
        assertThat(DueIndex.id(DueIndex.key(NOW, "pay-ü"))).isEqualTo("pay-ü");
    }
}
