package io.chargeonce.cli.story;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line of a payment's story: when it happened, which system says so, and what.
 *
 * @param at      when it happened by the source's own clock, used to order the story; null if the source does not say
 * @param shownAt the time to print when the source keeps a coarser time than {@code at} (the provider's
 *                seconds); null to print {@code at}
 * @param source  where to look to check it: a table, a provider endpoint, or {@code topic-partition@offset}
 */
public record StoryLine(Instant at, Instant shownAt, String source, String text) {

    public StoryLine(Instant at, String source, String text) {
        this(at, null, source, text);
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** The time column: UTC to the millisecond (to the second where the source keeps no more), or "?" if none. */
    public String time() {
        if (shownAt != null) {
            return SECONDS.format(shownAt);
        }
        return at == null ? "?" : TIME.format(at);
    }
}
