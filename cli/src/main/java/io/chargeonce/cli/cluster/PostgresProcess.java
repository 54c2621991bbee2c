package io.chargeonce.cli.cluster;

import io.chargeonce.sandbox.PostgresNode;
import io.chargeonce.sandbox.Signals;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * The cluster's Postgres: its postmaster is killed and started again on the same data dir and
 * port. Freezing stops the postmaster and every backend, as a stalled database host would.
 */
final class PostgresProcess implements ClusterNode {

    private final PostgresNode node;
    private Duration lastStartTime;

    PostgresProcess(PostgresNode node, Duration initialStart) {
        this.node = node;
        this.lastStartTime = initialStart;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public long pid() {
        return node.postmasterPid();
    }

    @Override
    public boolean isAlive() {
        return node.isRunning();
    }

    @Override
    public void kill() {
        node.kill();
    }

    @Override
    public void terminate() {
        node.stop();
    }

    @Override
    public void freeze() {
        ProcessHandle postmaster = node.process();
        Stream.concat(Stream.of(postmaster), postmaster.descendants()).forEach(Signals::freeze);
    }

    @Override
    public void thaw() {
        ProcessHandle postmaster = node.process();
        Stream.concat(Stream.of(postmaster), postmaster.descendants()).forEach(Signals::thaw);
    }

    @Override
    public synchronized void start() {
        long begun = System.nanoTime();
        node.start();
        lastStartTime = Duration.ofNanos(System.nanoTime() - begun);
    }

    @Override
    public synchronized Duration lastStartTime() {
        return lastStartTime;
    }

    @Override
    public String toString() {
        return "postgres " + node;
    }
}
