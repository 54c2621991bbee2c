package io.chargeonce.processor.gateway;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/**
 * W3C trace context for the provider call: the payment's {@code traceparent} (written with the
 * outbox row, carried as a Kafka header and kept in the ledger) continued as a child span, the same
 * trace id with a new span id, so the provider's logs join the payment's trace. A missing or
 * malformed parent starts nothing: an untraced payment stays untraced rather than half-traced.
 */
public final class TraceContext {

    public static final String HEADER = "traceparent";

    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    private TraceContext() {
    }

    /** {@code 00-<trace id of parent>-<new span id>-<flags of parent>}, or empty when the parent is not valid. */
    public static Optional<String> childOf(String parent, RandomGenerator random) {
        if (parent == null) {
            return Optional.empty();
        }
        var match = TRACEPARENT.matcher(parent.strip());
        if (!match.matches() || match.group(1).equals("ff") || match.group(2).equals(ZERO_TRACE)
                || match.group(3).equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        long span;
        do {
            span = random.nextLong();
        } while (span == 0);
        return Optional.of("00-" + match.group(2) + "-" + HexFormat.of().toHexDigits(span) + "-" + match.group(4));
    }
}
