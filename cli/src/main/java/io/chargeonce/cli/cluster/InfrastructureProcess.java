package io.chargeonce.cli.cluster;

import io.chargeonce.sandbox.RestartableNode;
import io.chargeonce.sandbox.Signals;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * The cluster's broker (a child JVM) or Postgres (a postmaster and its backends): killed and
 * started again on the same data and port. Freezing stops the process and everything it spawned,
 * as a stalled host would.
 */
final class InfrastructureProcess implements ClusterNode {

    private final String name;
    private final RestartableNode node;
    private Duration lastStartTime;

    InfrastructureProcess(String name, RestartableNode node, Duration initialStart) {
        this.name = name;
        this.node = node;
        this.lastStartTime = initialStart;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return node.process().pid();
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
        tree().forEach(Signals::freeze);
    }

    @Override
    public void thaw() {
        tree().forEach(Signals::thaw);
    }

    private Stream<ProcessHandle> tree() {
        ProcessHandle root = node.process();
        return Stream.concat(Stream.of(root), root.descendants());
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
        return name + " " + node;
    }
}
