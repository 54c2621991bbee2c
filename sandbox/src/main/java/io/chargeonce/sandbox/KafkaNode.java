package io.chargeonce.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
 * A real single-node Kafka broker (KRaft, controller and broker in one) running inside this JVM.
 *
 * <p>Settings are those of a one-node cluster that must still do transactions: every internal topic
 * has one replica, {@code transaction.state.log.min.isr=1} (without it {@code initTransactions()}
 * never completes) and one partition (creating 50 partitions of {@code __consumer_offsets} costs
 * seconds on two cores). {@code group.initial.rebalance.delay.ms=0} so a test's first consumer gets
 * its partitions at once. Topics are created on first use.
 */
public final class KafkaNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;

    private KafkaNode(KafkaRaftServer server, int port, Path logDir) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
    }

    /** Formats fresh storage under {@code baseDir} and starts a broker on {@code port}. */
    static KafkaNode start(int port, Path baseDir, Duration startTimeout) throws Exception {
        // The controller listener is internal to this node, so any free port does.
        int controllerPort = Ports.pickFree();
        Path attemptDir = Files.createTempDirectory(Files.createDirectories(baseDir), "node-");
        Path logDir = attemptDir.resolve("logs");
        Properties props = brokerProperties(port, controllerPort, logDir);
        Path propsFile = attemptDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
            props.store(out, "chargeonce sandbox broker");
        }
        format(propsFile);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
            awaitBroker(port, startTimeout);
        } catch (Exception e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new KafkaNode(server, port, logDir);
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
                // The log cleaner's default 128 MB dedupe buffer is heap a test JVM needs elsewhere;
                // compacted topics here (offsets, changelogs) are tiny.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "1")));
        return p;
    }

    private static void format(Path propsFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", propsFile.toString()}, out);
        }
        if (exit != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (exit " + exit + "): "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /** startup() returns before the broker is unfenced; a client only works once it is. */
    private static void awaitBroker(int port, Duration timeout) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Ports.LOOPBACK_HOST + ":" + port);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            int nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("broker on port " + port + " reports " + nodes + " nodes, expected 1");
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.LOOPBACK_HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("kafka on port {} stopped in {} ms", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public String toString() {
        return bootstrapServers() + " (logs " + logDir + ")";
    }
}
