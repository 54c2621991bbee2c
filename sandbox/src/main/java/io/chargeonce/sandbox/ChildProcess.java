package io.chargeonce.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process a sandbox started outside its own JVM (the Postgres postmaster, the registry), written
 * down so that a later sandbox can stop it if this JVM dies without closing.
 *
 * <p>A pid alone is not proof: after a reboot or a long time the number belongs to someone else. So
 * a record also carries a marker that must appear in the process's command line (the Postgres data
 * directory, the registry's instance property) and, where known, the process start time. A process
 * that does not match is left alone.
 *
 * @param name      component label, for logs
 * @param pid       the process id, or 0 when it is read from {@code pidFile} at reap time
 * @param pidFile   a file whose first line is the pid (Postgres writes {@code postmaster.pid}), or null
 * @param marker    text the process's command line must contain
 * @param startedAt the process start time if known, else null
 */
record ChildProcess(String name, long pid, Path pidFile, String marker, Instant startedAt) {

    static ChildProcess of(String name, ProcessHandle process, String marker) {
        return new ChildProcess(name, process.pid(), null, marker, process.info().startInstant().orElse(null));
    }

    static ChildProcess fromPidFile(String name, Path pidFile, String marker) {
        return new ChildProcess(name, 0, pidFile, marker, null);
    }

    Properties toProperties() {
        Properties props = new Properties();
        props.setProperty("name", name);
        props.setProperty("pid", Long.toString(pid));
        if (pidFile != null) {
            props.setProperty("pidFile", pidFile.toString());
        }
        props.setProperty("marker", marker);
        if (startedAt != null) {
            props.setProperty("startedAt", startedAt.toString());
        }
        return props;
    }

    static ChildProcess fromProperties(Properties props) {
        String pidFile = props.getProperty("pidFile");
        String startedAt = props.getProperty("startedAt");
        return new ChildProcess(props.getProperty("name", "?"), Long.parseLong(props.getProperty("pid", "0")),
                pidFile == null ? null : Path.of(pidFile), props.getProperty("marker", ""),
                startedAt == null ? null : Instant.parse(startedAt));
    }

    /** The live process this record names, if it is still running and still the same process. */
    Optional<ProcessHandle> findLive() {
        long resolved = pid != 0 ? pid : readPid();
        if (resolved <= 0 || marker.isBlank()) {
            return Optional.empty();
        }
        return ProcessHandle.of(resolved)
                .filter(ProcessHandle::isAlive)
                .filter(this::sameStart)
                .filter(handle -> commandLine(handle).contains(marker));
    }

    /** Asks the process (and its children) to stop, then kills whatever is left after {@code grace}. */
    static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        // Postgres backends exit when their postmaster dies; this is for the ones that would not.
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean sameStart(ProcessHandle handle) {
        if (startedAt == null) {
            return true;
        }
        return handle.info().startInstant().map(startedAt::equals).orElse(true);
    }

    private long readPid() {
        if (pidFile == null) {
            return 0;
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? 0 : Long.parseLong(lines.getFirst().trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    static String commandLine(ProcessHandle handle) {
        Optional<String> fromJdk = handle.info().commandLine();
        if (fromJdk.isPresent()) {
            return fromJdk.get();
        }
        // The JDK gives up on some command lines (long, or a program path it cannot resolve); /proc has them.
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
