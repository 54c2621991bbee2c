package io.chargeonce.cli.load;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Hands out start slots at a fixed rate. A slot that nobody took in time is dropped rather than
 * made up later: a paced run never bursts to catch up after the system (or the clients) fell
 * behind, so the rate is a ceiling and the achieved rate is what the report shows.
 */
final class Pacer {

    private final Clock clock;
    private Duration interval;
    private Instant next;

    /** @param perSecond 0 = no pacing: every slot is "now" */
    Pacer(Clock clock, double perSecond) {
        this.clock = clock;
        rate(perSecond);
    }

    /** Changes the rate from the next slot on. */
    synchronized void rate(double perSecond) {
        this.interval = perSecond > 0 ? Duration.ofNanos(Math.max(1, Math.round(1e9 / perSecond))) : null;
    }

    synchronized Instant reserve() {
        Instant now = clock.instant();
        if (interval == null) {
            return now;
        }
        Instant slot = next == null || next.isBefore(now) ? now : next;
        next = slot.plus(interval);
        return slot;
    }

    /** Waits until {@code at} on this pacer's clock; returns at once if it has passed. */
    void sleepUntil(Instant at) throws InterruptedException {
        sleep(Duration.between(clock.instant(), at));
    }

    static void sleep(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }
}
