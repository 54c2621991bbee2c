package io.chargeonce.cli.story;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line of a payment's story: when it happened, which system says so, and what.
 *
 * @param at     when it happened by the source's own clock; null if the source does not say
 * @param source where to look to check it: a table, a provider endpoint, or {@code topic-partition@offset}
 */
public record StoryLine(Instant at, String source, String text) {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The time column: UTC to the millisecond, or a question mark where the source keeps no time. */
    public String time() {
        return at == null ? "?" : TIME.format(at);
    }
}
