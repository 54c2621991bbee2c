package io.chargeonce.cli.load;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with "equal jitter": retry n waits between half and all of
 * {@code min(max, initial * 2^(n-1))}. The jitter spreads the apps out when an API comes back, so
 * they do not all hit it in the same millisecond; the floor keeps one app from hammering it.
 */
record Backoff(Duration initial, Duration max) {

    /** @param retry 1 for the first retry */
    Duration delay(int retry, RandomGenerator random) {
        long ceiling = initial.toNanos();
        for (int i = 1; i < retry && ceiling < max.toNanos(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toNanos());
        long half = ceiling / 2;
        return Duration.ofNanos(half + (half > 0 ? random.nextLong(half + 1) : 0));
    }

    /**
     * Waits before retry {@code retry} of a request that must be done by {@code giveUpAt}: the
     * backoff's delay, cut short at the deadline.
     *
     * @return false, without waiting, if the deadline has passed: give up
     */
    boolean waitBefore(int retry, Instant giveUpAt, Clock clock, RandomGenerator random) throws InterruptedException {
        Instant now = clock.instant();
        if (!now.isBefore(giveUpAt)) {
            return false;
        }
        Duration wait = delay(retry, random);
        Duration left = Duration.between(now, giveUpAt);
        Pacer.sleep(wait.compareTo(left) < 0 ? wait : left);
        return true;
    }
}
