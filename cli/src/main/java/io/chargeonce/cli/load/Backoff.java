package io.chargeonce.cli.load;

import java.time.Duration;
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
}
