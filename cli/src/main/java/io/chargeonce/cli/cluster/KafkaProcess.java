package io.chargeonce.cli.cluster;

import io.chargeonce.sandbox.KafkaNode;
import io.chargeonce.sandbox.Signals;

import java.time.Duration;

/** The cluster's broker, a child JVM of the sandbox: killed and started again on the same log dir and port. */
final class KafkaProcess implements ClusterNode {

    private final KafkaNode node;
    private Duration lastStartTime;

    KafkaProcess(KafkaNode node, Duration initialStart) {
        this.node = node;
        this.lastStartTime = initialStart;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public long pid() {
        return node.pid();
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
        Signals.freeze(node.process());
    }

    @Override
    public void thaw() {
        Signals.thaw(node.process());
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
        return "kafka " + node;
    }
}
