package io.chargeonce.sandbox;

/**
 * A sandbox component that runs as a process of its own and can be crashed and brought back on the
 * same data and port: what fault tests hit with real signals.
 */
public interface RestartableNode {

    /** SIGKILL: no shutdown code runs. */
    void kill();

    /** An orderly stop. */
    void stop();

    /** Starts again on the same data and port; returns when it serves. */
    void start();

    boolean isRunning();

    /** The current process (a new one after each {@link #start()}). */
    ProcessHandle process();
}
