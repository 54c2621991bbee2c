package io.chargeonce.sandbox.provider;

import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Makes Stripe-looking object ids ({@code ch_...}, {@code re_...}) from a seeded generator, so a run's
 * ids are reproducible. A lock, not {@code synchronized}, so virtual threads never pin their carrier.
 */
final class IdMint {

    private final String prefix;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();

    IdMint(String prefix, RandomGenerator random) {
        this.prefix = prefix;
        this.random = random;
    }

    String next() {
        lock.lock();
        try {
            return prefix + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
                    + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
        } finally {
            lock.unlock();
        }
    }
}
