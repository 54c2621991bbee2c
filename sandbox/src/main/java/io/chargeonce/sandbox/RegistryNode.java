package io.chargeonce.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apicurio Registry run as a child process, serving the Confluent-compatible API so chargeonce's
 * serde works the same against it as against a Confluent Schema Registry.
 *
 * <p>It stores schemas in memory (H2): a sandbox is disposable, and its Kafka data dies with it, so
 * no schema id ever outlives the records that use it. The registry listens on the loopback address;
 * its management interface (health, metrics) takes a free port so it never collides with anything.
 * Output goes to {@code registry.log} in the work dir.
 */
public final class RegistryNode implements AutoCloseable {

    static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    static final String INSTANCE_PROPERTY = "chargeonce.sandbox.instance";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 20;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryNode.class);

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryNode(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the registry on {@code port} and waits until its ccompat API answers. The process is
     * recorded in {@code instance} as soon as it exists, so a reaper stops it if this JVM dies.
     */
    static RegistryNode start(int port, Path baseDir, InstanceDir instance, Duration startTimeout) throws Exception {
        Path home = RegistryDistribution.home();
        Files.createDirectories(baseDir);
        Path log = baseDir.resolve("registry.log");
        String marker = "-D" + INSTANCE_PROPERTY + "=" + instance.id();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // A short-lived test registry gains nothing from the C2 compiler but starts slower with it.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                marker,
                "-Dquarkus.http.host=" + Ports.LOOPBACK_HOST,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=" + Ports.LOOPBACK_HOST,
                "-Dquarkus.management.port=0",
                // No collector runs here; without this the registry keeps trying to export traces.
                "-Dquarkus.otel.sdk.disabled=true",
                "-Dapicurio.storage.kind=sql",
                "-Dapicurio.storage.sql.kind=h2",
                "-Dapicurio.storage.snapshot.location=" + baseDir,
                "-Dapicurio.import.work-dir=" + baseDir,
                "-Dvertx.cacheDirBase=" + baseDir.resolve("vertx-cache"),
                "-jar", RegistryDistribution.RUNNER_JAR));
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        instance.recordChild(ChildProcess.of(Component.REGISTRY.label(), process.toHandle(), marker));
        RegistryNode node = new RegistryNode(process, port, log);
        try {
            node.awaitReady(startTimeout);
        } catch (Exception e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited with code " + process.exitValue()
                        + " before answering on port " + port + "; last lines of " + log + ":\n" + logTail());
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("registry did not answer on " + url() + " within " + timeout
                + "; last lines of " + log + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Confluent-compatible base URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String url() {
        return "http://" + Ports.LOOPBACK_HOST + ":" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    /** The registry's own log file. */
    public Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ChildProcess.stop(process.toHandle(), STOP_GRACE);
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("registry on port {} stopped", port);
    }

    @Override
    public String toString() {
        return url() + " (log " + log + ")";
    }
}
