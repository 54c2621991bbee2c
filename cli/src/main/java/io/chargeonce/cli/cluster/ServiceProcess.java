package io.chargeonce.cli.cluster;

import io.chargeonce.cli.Main;
import io.chargeonce.sandbox.ChildJvm;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.Signals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A chargeonce service run as a JVM of its own: {@code java -cp <this classpath> io.chargeonce.cli.Main
 * service <kind>} with the environment the cluster prepared. Its logs go to {@code <name>.log}
 * (the service's own log) and {@code <name>.out} (stdout and stderr: the READY line, a JVM's last
 * words), both appended across restarts. It is ready when it prints {@code READY <kind> ...}.
 */
public final class ServiceProcess implements ClusterNode {

    private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);
    /** A graceful stop closes Kafka clients and Debezium: seconds; past this it is a hang, killed. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(45);
    private static final Duration READY_POLL = Duration.ofMillis(50);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final String kind;
    private final Map<String, String> environment;
    private final List<String> jvmArgs;
    private final Path logFile;
    private final Path outFile;
    private final Sandbox sandbox;
    private final Duration startTimeout;
    // volatile, not guarded: kill/freeze must reach a process that is still starting (start() holds the lock)
    private volatile Process process;
    private volatile String readyDetail;
    private Duration lastStartTime = Duration.ZERO;

    ServiceProcess(String name, String kind, Map<String, String> environment, List<String> jvmArgs, Path logDir,
                   Sandbox sandbox, Duration startTimeout) {
        this.name = name;
        this.kind = kind;
        this.environment = Map.copyOf(environment);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.logFile = logDir.resolve(name + ".log");
        this.outFile = logDir.resolve(name + ".out");
        this.sandbox = sandbox;
        this.startTimeout = startTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code api}, {@code relay} or {@code processor}. */
    public String kind() {
        return kind;
    }

    /** What its last READY line said after the service name (api: its port). */
    public String readyDetail() {
        return readyDetail;
    }

    /** The environment it runs with (secrets included: for tests, never for logs). */
    public Map<String, String> environment() {
        return environment;
    }

    /** The service's own log (appended across restarts). */
    public Path logFile() {
        return logFile;
    }

    /** Its stdout and stderr (appended across restarts). */
    public Path outFile() {
        return outFile;
    }

    /** The last lines of its log and of its stdout/stderr, for failure messages. */
    public String logTail(int lines) {
        return "--- " + logFile + "\n" + ChildJvm.tail(logFile, lines) + "\n--- " + outFile + "\n"
                + ChildJvm.tail(outFile, Math.max(5, lines / 4));
    }

    @Override
    public long pid() {
        return requireStarted().pid();
    }

    @Override
    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The exit code if the process has ended (killed: 137, SIGTERM: 143, fatal service error: 70). */
    public Optional<Integer> exitCode() {
        Process current = process;
        return current == null || current.isAlive() ? Optional.empty() : Optional.of(current.exitValue());
    }

    @Override
    public void kill() {
        Process current = requireStarted();
        Signals.kill(current.toHandle());
        log.info("{} (pid {}) killed", name, current.pid());
    }

    @Override
    public synchronized void terminate() {
        if (!isAlive()) {
            return;
        }
        long begun = System.nanoTime();
        boolean clean = Signals.terminate(process.toHandle(), TERMINATE_GRACE);
        log.info("{} (pid {}) {} in {} ms", name, process.pid(), clean ? "stopped on SIGTERM" : "did not stop on SIGTERM; killed",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
    }

    @Override
    public void freeze() {
        Process current = requireStarted();
        Signals.freeze(current.toHandle());
        log.info("{} (pid {}) frozen", name, current.pid());
    }

    @Override
    public void thaw() {
        Process current = requireStarted();
        Signals.thaw(current.toHandle());
        log.info("{} (pid {}) thawed", name, current.pid());
    }

    /** Starts the JVM and waits for its READY line; on failure it is stopped and the exception shows its logs. */
    @Override
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        long begun = System.nanoTime();
        long outOffset = size(outFile);
        List<String> args = new ArrayList<>(jvmArgs);
        args.add(sandbox.processMarker());
        // never the command line's shared log config (or a test's console one): see ServiceLogging
        args.add("-Dlogback.configurationFile=io/chargeonce/cli/service/service-logback.xml");
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(args, Main.class.getName(), List.of("service", kind)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()));
        // only what the cluster says: a CHARGEONCE_* variable of the test's own environment must not leak in
        builder.environment().keySet().removeIf(key -> key.startsWith("CHARGEONCE_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ClusterStartException("could not start " + name + ": " + e.getMessage(), e);
        }
        sandbox.recordProcess(name, process.toHandle());
        readyDetail = awaitReady(outOffset);
        lastStartTime = Duration.ofNanos(System.nanoTime() - begun);
        log.info("{} ready in {} ms (pid {}): {}", name, lastStartTime.toMillis(), process.pid(), readyDetail);
    }

    @Override
    public synchronized Duration lastStartTime() {
        return lastStartTime;
    }

    private String awaitReady(long outOffset) {
        String prefix = "READY " + kind;
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try {
            while (true) {
                Optional<String> ready = readyLine(outOffset, prefix);
                if (ready.isPresent()) {
                    return ready.get().substring(prefix.length()).strip();
                }
                if (!process.isAlive()) {
                    throw new ClusterStartException(name + " exited with code " + process.exitValue()
                            + " before it was ready; its logs end with:\n" + logTail(LOG_TAIL_LINES));
                }
                if (System.nanoTime() > deadline) {
                    Signals.kill(process.toHandle());
                    throw new ClusterStartException(name + " was not ready within " + startTimeout
                            + " and was killed; its logs end with:\n" + logTail(LOG_TAIL_LINES));
                }
                process.waitFor(READY_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Signals.kill(process.toHandle());
            throw new ClusterStartException("interrupted while " + name + " was starting", e);
        }
    }

    /** The READY line printed after {@code offset} (this start's output), if any yet. */
    private Optional<String> readyLine(long offset, String prefix) {
        try (RandomAccessFile file = new RandomAccessFile(outFile.toFile(), "r")) {
            if (file.length() <= offset) {
                return Optional.empty();
            }
            byte[] bytes = new byte[(int) Math.min(file.length() - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith(prefix))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + outFile, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Process requireStarted() {
        Process current = process;
        if (current == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return current;
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
    }
}
