package io.chargeonce.cli.cluster;

import java.time.Duration;

/**
 * One process of a {@link ProcessCluster} that a fault test can hit with a real signal: a service
 * JVM, the Kafka broker's JVM or the Postgres postmaster. Every operation returns once its effect
 * is observable: after {@link #kill()} the process is gone, after {@link #start()} it serves.
 */
public interface ClusterNode {

    /** {@code api}, {@code relay}, {@code processor-1}, {@code kafka}, {@code postgres}. */
    String name();

    /** The current process id (a new one after each {@link #start()}). */
    long pid();

    /** Whether the process exists; a frozen process is alive. */
    boolean isAlive();

    /** SIGKILL: a crash, no shutdown code runs; waits until the process is gone. */
    void kill();

    /** SIGTERM and a wait for the orderly shutdown it triggers (SIGKILL if it takes too long). */
    void terminate();

    /** SIGSTOP: the process stops running mid-instruction, keeping its sockets, locks and memory. */
    void freeze();

    /** SIGCONT: a frozen process carries on as if no time had passed. */
    void thaw();

    /** Starts it again after {@link #kill()} or {@link #terminate()}, on the same ports and data; returns when it serves. */
    void start();

    /** How long the last (re)start took until the process served. */
    Duration lastStartTime();

    /** Resident memory of the process now, in bytes (0 if it is gone). */
    default long residentBytes() {
        return isAlive() ? ProcessMemory.residentBytes(pid()) : 0;
    }
}
