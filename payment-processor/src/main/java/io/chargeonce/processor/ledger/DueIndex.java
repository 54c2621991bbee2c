package io.chargeonce.processor.ledger;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of a due index: the next-check time as 8 big-endian bytes, then the id (a payment's or a
 * refund's) in UTF-8. Byte order is time order (for times after 1970), so "everything due by now"
 * is one range scan from the start of the index instead of a scan of every entry ever seen.
 */
public final class DueIndex {
    private static final int TIME_BYTES = Long.BYTES;

    private DueIndex() {
    }

    public static Bytes key(Instant nextCheckAt, String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES + bytes.length).putLong(millis(nextCheckAt)).put(bytes).array());
    }

    /** The keys due at or before {@code now} in {@code index}, earliest first, at most {@code limit}. */
    public static List<Bytes> dueKeys(KeyValueStore<Bytes, String> index, Instant now, int limit) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> due = index.range(start(), dueBy(now))) {
            while (due.hasNext() && keys.size() < limit) {
                keys.add(due.next().key);
            }
        }
        return keys;
    }

    /** The lowest possible key. */
    static Bytes start() {
        return Bytes.wrap(new byte[TIME_BYTES]);
    }

    /** An inclusive upper bound covering every key due at or before {@code now} and none after. */
    static Bytes dueBy(Instant now) {
        // (now + 1 ms, no id) sorts after every (now, id) and before every real (now + 1 ms, id).
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES).putLong(millis(now) + 1).array());
    }

    public static String id(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, TIME_BYTES, bytes.length - TIME_BYTES, StandardCharsets.UTF_8);
    }

    private static long millis(Instant time) {
        long millis = time.toEpochMilli();
        if (millis < 0) {
            throw new IllegalArgumentException("due times before 1970 break the index's byte order: " + time);
        }
        return millis;
    }
}
