package io.chargeonce.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, controller and broker in one), inside this JVM or in a
 * child JVM of its own ({@link KafkaMode}).
 *
 * <p>Settings are those of a one-node cluster that must still do transactions: every internal topic
 * has one replica, {@code transaction.state.log.min.isr=1} (without it {@code initTransactions()}
 * never completes) and one partition (creating 50 partitions of {@code __consumer_offsets} costs
 * seconds on two cores). {@code group.initial.rebalance.delay.ms=0} so a test's first consumer gets
 * its partitions at once. Topics are created on first use.
 *
 * <p>The node keeps its log dir, cluster id and both ports for its whole life, so {@link #stop()} or
 * {@link #kill()} followed by {@link #start()} is the same broker coming back with the data it had
 * fsynced: clients reconnect to the same address, committed transactional records are still there.
 * Storage is formatted only the first time.
 *
 * <p>By default anyone may do anything ({@link KafkaSecurity#NONE}); with
 * {@link KafkaSecurity#saslPlain} clients must log in ({@link #clientProperties(String)}) and need
 * ACLs for what they do.
 */
public final class KafkaNode implements AutoCloseable, RestartableNode {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);
    /** A controlled shutdown of a small broker takes a second or two; past this the broker is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_TAIL_LINES = 30;
    private static final String CHILD_NAME = Component.KAFKA.label();

    private final KafkaMode mode;
    private final int port;
    private final Path nodeDir;
    private final Path propsFile;
    private final Path logDir;
    private final Path output;
    private final InstanceDir instance;
    private final Duration startTimeout;
    private final KafkaSecurity security;
    private KafkaRaftServer server;
    private Process child;

    private KafkaNode(KafkaMode mode, int port, Path nodeDir, InstanceDir instance, Duration startTimeout,
            KafkaSecurity security) {
        this.mode = mode;
        this.port = port;
        this.nodeDir = nodeDir;
        this.propsFile = nodeDir.resolve("server.properties");
        this.logDir = nodeDir.resolve("logs");
        this.output = nodeDir.resolve("kafka.log");
        this.instance = instance;
        this.startTimeout = startTimeout;
        this.security = security;
    }

    /** Creates a node under {@code baseDir} for {@code port}, formats its storage and starts it. */
    static KafkaNode start(int port, Path baseDir, InstanceDir instance, KafkaMode mode, Duration startTimeout,
            KafkaSecurity security) throws IOException {
        // The controller listener is internal to this node, so any free port does; it stays the
        // node's port across restarts, since the quorum voter list names it.
        int controllerPort = Ports.pickFree();
        // A fresh directory per attempt: an attempt that lost a port race leaves a formatted dir behind.
        Path nodeDir = Files.createTempDirectory(Files.createDirectories(baseDir), "node-");
        KafkaNode node = new KafkaNode(mode, port, nodeDir, instance, startTimeout, security);
        Properties props = brokerProperties(port, controllerPort, node.logDir);
        if (security.enabled()) {
            props.putAll(security.brokerProperties(Ports.LOOPBACK_HOST, port, controllerPort));
        }
        try (var out = Files.newBufferedWriter(node.propsFile, StandardCharsets.UTF_8)) {
            props.store(out, "chargeonce sandbox broker");
        }
        node.launch();
        return node;
    }

    static Properties brokerProperties(int port, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + Ports.LOOPBACK_HOST + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + Ports.LOOPBACK_HOST + ":" + port
                        + ",CONTROLLER://" + Ports.LOOPBACK_HOST + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK_HOST + ":" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.num.partitions", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // A broker restarted after kill -9 is only unfenced once its old registration's
                // session expired: 9 s by default, for a controller that is the same process.
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("broker.session.timeout.ms", "2000"),
                // The log cleaner's default 128 MB dedupe buffer is heap a test JVM needs elsewhere;
                // compacted topics here (offsets, changelogs) are tiny.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "1")));
        return p;
    }

    /**
     * Starts the broker again on the same log dir and ports, after {@link #stop()} or {@link #kill()};
     * returns once it answers clients. After a kill, Kafka recovers its logs first (seconds for a
     * small sandbox).
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("kafka on port " + port + " is already running");
        }
        long begun = System.nanoTime();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start kafka on port " + port + " again", e);
        }
        LOG.info("kafka on port {} started again in {} ms", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
    }

    /** An orderly shutdown (SIGTERM for a child broker); the data stays for the next {@link #start()}. */
    public synchronized void stop() {
        long begun = System.nanoTime();
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        } else if (child != null && child.isAlive()) {
            if (!Signals.terminate(child.toHandle(), STOP_GRACE)) {
                LOG.warn("kafka process {} ignored SIGTERM for {}; killed it", child.pid(), STOP_GRACE);
            }
        } else {
            return;
        }
        LOG.info("kafka on port {} stopped in {} ms", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
    }

    /**
     * SIGKILL: the broker dies mid-write, as in a power cut or an OOM kill; open transactions are
     * left for the coordinator to time out after the restart. Only a child broker can be killed.
     */
    public synchronized void kill() {
        if (mode == KafkaMode.IN_PROCESS) {
            throw new UnsupportedOperationException("this broker runs inside this JVM and cannot be killed alone; "
                    + "start the sandbox with KafkaMode.CHILD_PROCESS");
        }
        if (child != null && child.isAlive()) {
            Signals.kill(child.toHandle());
            LOG.info("kafka process {} on port {} killed", child.pid(), port);
        }
    }

    /** Whether the broker is up (started and not stopped or killed; a frozen child counts as up). */
    public synchronized boolean isRunning() {
        return mode == KafkaMode.IN_PROCESS ? server != null : child != null && child.isAlive();
    }

    /** The process the broker runs in: the child JVM, or this JVM for {@link KafkaMode#IN_PROCESS}. */
    public synchronized ProcessHandle process() {
        if (mode == KafkaMode.IN_PROCESS) {
            return ProcessHandle.current();
        }
        if (child == null) {
            throw new IllegalStateException("kafka on port " + port + " has no process yet");
        }
        return child.toHandle();
    }

    /** The pid of {@link #process()}. */
    public long pid() {
        return process().pid();
    }

    public KafkaMode mode() {
        return mode;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK_HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Who may connect; {@link KafkaSecurity#NONE} unless the sandbox was configured otherwise. */
    public KafkaSecurity security() {
        return security;
    }

    /**
     * The settings a client logging in as {@code user} needs besides {@link #bootstrapServers()}:
     * empty when the broker has no security (any {@code user} then).
     */
    public Properties clientProperties(String user) {
        return security.clientProperties(user);
    }

    /** The broker's data: kept across restarts, deleted with the sandbox. */
    public Path logDir() {
        return logDir;
    }

    /** Where a child broker's output goes (appended across restarts). */
    public Path outputLog() {
        return output;
    }

    private void launch() throws IOException {
        formatOnce();
        if (mode == KafkaMode.IN_PROCESS) {
            launchInProcess();
        } else {
            launchChild();
        }
    }

    /** Storage is formatted once: formatting again would give the node a new identity and empty logs. */
    private void formatOnce() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(formatOutput, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", propsFile.toString()}, out);
        }
        if (exit != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (exit " + exit + "): "
                    + formatOutput.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private void launchInProcess() throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(propsFile, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            started.startup();
            awaitBroker(null);
        } catch (RuntimeException e) {
            started.shutdown();
            started.awaitShutdown();
            throw e;
        }
        server = started;
    }

    private void launchChild() throws IOException {
        String marker = "-D" + RegistryNode.INSTANCE_PROPERTY + "=" + instance.id();
        List<String> command = ChildJvm.command(List.of(
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        // the sandbox is short-lived and starts often: C2 would cost more start time than it saves
                        "-XX:TieredStopAtLevel=1",
                        marker,
                        "-D" + ChildJvm.OWNER_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                        // its own quiet logging, never the parent's log file
                        "-Dlogback.configurationFile=io/chargeonce/sandbox/child-logback.xml"),
                KafkaNodeMain.class.getName(), List.of(propsFile.toString()));
        Process started = new ProcessBuilder(command)
                .directory(nodeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
        // recorded at once (again on every restart: a new pid), so a reaper finds it if this JVM dies now
        instance.recordChild(ChildProcess.of(CHILD_NAME, started.toHandle(), marker));
        child = started;
        try {
            awaitBroker(started);
        } catch (RuntimeException e) {
            Signals.kill(started.toHandle());
            throw new IllegalStateException(e.getMessage() + "; last lines of " + output + ":\n"
                    + ChildJvm.tail(output, LOG_TAIL_LINES), e);
        }
        LOG.info("kafka child process {} serving on port {}", started.pid(), port);
    }

    /** A started broker is not yet unfenced; a client only works once it is. Gives up early if the child dies. */
    private void awaitBroker(Process process) {
        Properties props = new Properties();
        props.putAll(security.clientProperties(security.superUser()));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (process != null && !process.isAlive()) {
                    throw new IllegalStateException("kafka process " + process.pid() + " exited with code "
                            + process.exitValue() + " before serving on port " + port);
                }
                try {
                    int nodes = admin.describeCluster().nodes().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
                    if (nodes != 1) {
                        throw new IllegalStateException("broker on port " + port + " reports " + nodes + " nodes, expected 1");
                    }
                    return;
                } catch (ExecutionException | TimeoutException notYet) {
                    last = notYet;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kafka on port " + port, e);
        }
        throw new IllegalStateException("kafka did not serve on port " + port + " within " + startTimeout
                + (last == null ? "" : " (last probe: " + last + ")"));
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return bootstrapServers() + " (" + (mode == KafkaMode.IN_PROCESS ? "in this JVM" : "child JVM")
                + (security.enabled() ? ", " + security : "") + ", logs " + logDir + ")";
    }
}
