package io.chargeonce.cli.faults;

import io.chargeonce.cli.cluster.ProcessCluster;
import io.chargeonce.cli.load.LoadRun;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What an injector works with during one row: the cluster, the row's seeded randomness, the load
 * that is running, and a place to record broken promises it observed itself.
 */
final class FaultRun {

    private final ProcessCluster cluster;
    private final RandomGenerator random;
    private final LoadRun load;
    private final PrintStream out;
    private final List<String> violations = new ArrayList<>();
    private int injected;

    FaultRun(ProcessCluster cluster, RandomGenerator random, LoadRun load, PrintStream out) {
        this.cluster = cluster;
        this.random = random;
        this.load = load;
        this.out = out;
    }

    ProcessCluster cluster() {
        return cluster;
    }

    RandomGenerator random() {
        return random;
    }

    LoadRun load() {
        return load;
    }

    /** Counts one fault and says what it is. */
    void injected(String what) {
        injected++;
        out.printf("    fault: %s%n", what);
    }

    int injectedCount() {
        return injected;
    }

    synchronized void violation(String what) {
        violations.add(what);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Waits until a random share (between {@code from} and {@code to}) of the row's payments has
     * been started, so the fault lands while payments are in flight, at a moment the seed decides.
     */
    void atRandomMoment(double from, double to) throws InterruptedException {
        int planned = load.plan().payments();
        long target = Math.max(1, Math.round(planned * (from + random.nextDouble() * (to - from))));
        while (load.progress().started() < target && !load.isFinished()) {
            Thread.sleep(20); // a fault injector's deliberate poll of the load's progress
        }
    }

    /** A pause of random length within the bounds: how long a component stays down. */
    void pause(Duration min, Duration max) throws InterruptedException {
        long span = max.toMillis() - min.toMillis();
        Thread.sleep(min.toMillis() + (span <= 0 ? 0 : random.nextLong(span)));
    }

    void awaitLoadFinished() throws InterruptedException {
        load.awaitFinished(Duration.ofMinutes(5));
    }
}
