package io.chargeonce.api.trace;

import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent}) carried from the HTTP request into the outbox row, so a
 * payment can be followed from the client's call to the provider charge.
 */
public final class Traceparent {

    private static final Pattern FORMAT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    private final RandomGenerator random;

    /** {@code random} must be safe to share between request threads (e.g. a SecureRandom). */
    public Traceparent(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** {@code header} if it is a valid traceparent, else a new sampled root trace. */
    public String continueOrStart(String header) {
        return isValid(header) ? header : start();
    }

    /** A new root trace: version 00, random trace and parent ids, sampled. */
    public String start() {
        HexFormat hex = HexFormat.of();
        String traceId = hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong() | 1L);
        String parentId = hex.toHexDigits(random.nextLong() | 1L);
        return "00-" + traceId + "-" + parentId + "-01";
    }

    static boolean isValid(String header) {
        if (header == null) {
            return false;
        }
        var match = FORMAT.matcher(header);
        if (!match.matches()) {
            return false;
        }
        String version = match.group(1);
        // version ff is forbidden; version 00 has exactly four fields, later versions may add more
        return !"ff".equals(version)
                && !("00".equals(version) && match.group(5) != null)
                && !ZERO_TRACE.equals(match.group(2))
                && !ZERO_SPAN.equals(match.group(3));
    }
}
