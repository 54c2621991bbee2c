package io.chargeonce.cli.service;

/** A service started by {@code chargeonce service}: what its READY line says, and how it stops. */
interface RunningService extends AutoCloseable {

    /** The rest of the {@code READY <service> ...} line: where it listens or what it streams. */
    String readyDetail();

    /** Null while healthy; otherwise why the service can no longer do its work (the process exits then). */
    default String fatalProblem() {
        return null;
    }

    /** A graceful stop: finish or hand back in-flight work, release what it holds. */
    @Override
    void close();
}
