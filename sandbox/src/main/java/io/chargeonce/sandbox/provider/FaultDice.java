package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderFaults;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Decides which faults a request meets, from a generator seeded by the current {@link ProviderFaults}.
 *
 * <p>Each request draws the same number of values in the same order, so a sequence of requests
 * sent one after another meets the same faults on every run. Latency is waited out on a condition
 * rather than a sleep: changing the faults (or stopping the simulator) wakes every waiting request,
 * so a test that held requests in flight with a long latency can release them at once. A lock and
 * condition, not {@code synchronized}, so waiting virtual threads never pin their carrier.
 */
public final class FaultDice {

    /** The faults one request meets. */
    public record Roll(long latencyMs, boolean serverError, boolean unavailable, boolean decline,
            boolean dropResponse, long generation) {
    }

    private static final String ALGORITHM = "L64X128MixRandom";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ProviderFaults faults;
    private RandomGenerator random;
    private long generation;

    public FaultDice(ProviderFaults initial) {
        set(initial);
    }

    public void set(ProviderFaults newFaults) {
        lock.lock();
        try {
            faults = newFaults;
            random = RandomGeneratorFactory.of(ALGORITHM).create(newFaults.seed());
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public ProviderFaults faults() {
        lock.lock();
        try {
            return faults;
        } finally {
            lock.unlock();
        }
    }

    public Roll roll() {
        lock.lock();
        try {
            long jitter = faults.latencyJitterMs() > 0 ? random.nextLong(faults.latencyJitterMs() + 1) : 0;
            boolean serverError = random.nextDouble() < faults.serverErrorRate();
            boolean unavailable = random.nextBoolean();
            boolean decline = random.nextDouble() < faults.declineRate();
            boolean drop = random.nextDouble() < faults.dropResponseRate();
            return new Roll(faults.latencyMs() + jitter, serverError, unavailable, decline, drop, generation);
        } finally {
            lock.unlock();
        }
    }

    /** Waits out the roll's latency, or less if the faults change meanwhile. */
    public void awaitLatency(Roll roll) throws InterruptedException {
        if (roll.latencyMs() <= 0) {
            return;
        }
        lock.lock();
        try {
            long remaining = TimeUnit.MILLISECONDS.toNanos(roll.latencyMs());
            while (remaining > 0 && generation == roll.generation()) {
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting request without changing the faults (used when stopping). */
    public void wakeAll() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
