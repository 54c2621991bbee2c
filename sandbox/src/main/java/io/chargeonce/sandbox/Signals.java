package io.chargeonce.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The POSIX signals fault tests send: SIGKILL (a crash: no shutdown hook, no flush, no goodbye to
 * the group), SIGTERM (an orderly stop), SIGSTOP/SIGCONT (a process frozen in the middle of what it
 * was doing, like a long GC pause or a stalled VM, then resumed as a possible zombie).
 *
 * <p>The JDK sends SIGTERM and SIGKILL itself; it has no way to stop or continue a process, so
 * those go through the {@code kill} command.
 */
public final class Signals {

    /** How long a SIGKILLed process may take to be reaped by the kernel before we call it stuck. */
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(10);

    private Signals() {
    }

    /** SIGKILL, then waits until the process is gone (its ports and locks are free then). */
    public static void kill(ProcessHandle process) {
        process.destroyForcibly();
        if (!awaitExit(process, KILL_PATIENCE)) {
            throw new IllegalStateException("process " + process.pid() + " still exists " + KILL_PATIENCE
                    + " after SIGKILL");
        }
    }

    /**
     * SIGTERM, and SIGCONT in case the process is frozen (a stopped process only acts on SIGTERM
     * once continued); waits up to {@code grace} for it to exit, then SIGKILLs it.
     *
     * @return true if it exited on its own within the grace period
     */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        send("CONT", process.pid());
        if (awaitExit(process, grace)) {
            return true;
        }
        kill(process);
        return false;
    }

    /** SIGSTOP: the process keeps its sockets and memory but runs no instruction until {@link #thaw}. */
    public static void freeze(ProcessHandle process) {
        send("STOP", process.pid());
    }

    /** SIGCONT: a frozen process carries on where it stopped, unaware that time passed. */
    public static void thaw(ProcessHandle process) {
        send("CONT", process.pid());
    }

    /** Whether the process is stopped by a signal (state {@code T} in {@code /proc/<pid>/stat}). */
    public static boolean isFrozen(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // "pid (command) S ...": the command may contain spaces and parentheses, the state follows the last ')'
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (IOException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Waits up to {@code timeout} for the process to exit; true if it did. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void send(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes()).strip();
            if (kill.waitFor() != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}
