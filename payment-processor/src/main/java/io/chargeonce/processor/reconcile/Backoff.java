package io.chargeonce.processor.reconcile;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait after attempt {@code n} is uniform in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many payments that
 * failed together (a provider outage) instead of sending them back in synchronized waves.
 *
 * <p>Shared by every task of an instance, so draws are synchronized; seed the generator in tests.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = Objects.requireNonNull(base, "base");
        this.max = Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got base " + base + ", max " + max);
        }
    }

    /** The ceiling of the wait after {@code attempt}, before jitter. */
    public Duration ceilingAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts start at 1, got " + attempt);
        }
        long ceiling = base.toMillis();
        for (int i = 1; i < attempt && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        return Duration.ofMillis(Math.min(ceiling, max.toMillis()));
    }

    /** The jittered wait after {@code attempt}. */
    public Duration delayAfter(int attempt) {
        long ceiling = ceilingAfter(attempt).toMillis();
        synchronized (random) {
            return Duration.ofMillis(random.nextLong(ceiling + 1));
        }
    }
}
