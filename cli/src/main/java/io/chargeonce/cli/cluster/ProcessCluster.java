package io.chargeonce.cli.cluster;

import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.outbox.OutboxMigration;
import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.KafkaMode;
import io.chargeonce.sandbox.ProviderSimulator;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * chargeonce as separate processes, for fault tests with real signals: Postgres (a postmaster),
 * Kafka (a child JVM), the schema registry (a child JVM) and the provider simulator (in this JVM)
 * from a sandbox, and each service as a JVM of its own ({@code chargeonce service ...}): one
 * payment-api, one outbox relay and N payment processors sharing one application id.
 *
 * <p>Every process can be killed, terminated, frozen, thawed and started again through its
 * {@link ClusterNode}; a restarted service gets the same environment, so the API comes back on the
 * same port and the relay on the same slot and offsets. Each cluster has a fresh database, its own
 * topic prefix and free ports, so clusters never see each other.
 *
 * <p>{@link #close()} stops everything. If this JVM dies instead, each service and the broker exit
 * on their own (they watch this JVM's pid), and the next sandbox started on the machine stops the
 * rest (Postgres, the registry) through the sandbox's reaper, which knows every process by record
 * and by the instance marker on its command line.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessCluster.class);
    private static final String SERVICE_KIND_PROCESSOR = "processor";

    /** A merchant the API provisioned: its name and API key (a secret: for requests, never for logs). */
    public record Merchant(String name, String apiKey) {
        @Override
        public String toString() {
            return "Merchant[" + name + "]";
        }
    }

    private final ClusterOptions options;
    private final Sandbox sandbox;
    private final Path dir;
    private final Topics topics;
    private final ServiceEnvironments environments;
    private final InfrastructureProcess kafka;
    private final InfrastructureProcess postgres;
    private final ServiceProcess api;
    private final ServiceProcess relay;
    private final List<ServiceProcess> processors = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::stopAll, "process-cluster-shutdown");
    private Duration startTime = Duration.ZERO;

    private ProcessCluster(ClusterOptions options, Sandbox sandbox) {
        this.options = options;
        this.sandbox = sandbox;
        String id = sandbox.id().substring(sandbox.id().lastIndexOf('-') + 1);
        String prefix = "pc-" + id;
        this.dir = createDir(options.workDir().resolve(prefix));
        this.topics = Topics.withPrefix(prefix);
        DatabaseInfo database = sandbox.postgres().createDatabase("cluster_" + id);
        this.environments = new ServiceEnvironments(options, prefix, database, sandbox.postgres().host(),
                sandbox.postgres().port(), sandbox.kafka().bootstrapServers(), sandbox.registry().url(),
                sandbox.provider().url(), freePort(), merchants(options.merchants()), dir);
        this.kafka = new InfrastructureProcess("kafka", sandbox.kafka(), sandbox.startTimes().get(Component.KAFKA));
        this.postgres = new InfrastructureProcess("postgres", sandbox.postgres(), sandbox.startTimes().get(Component.POSTGRES));
        createDir(environments.logDir());
        this.api = service("api", "api", environments.api());
        this.relay = service("relay", "relay", environments.relay());
        for (int i = 1; i <= options.processors(); i++) {
            processors.add(processorNamed(i));
        }
    }

    /** Starts the infrastructure and every service; returns when all of them serve. */
    public static ProcessCluster start(ClusterOptions options) {
        long begun = System.nanoTime();
        Sandbox sandbox = Sandbox.start(SandboxConfig.freePorts().withKafkaMode(KafkaMode.CHILD_PROCESS));
        ProcessCluster cluster;
        try {
            cluster = new ProcessCluster(options, sandbox);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.prepareStorage();
            // All services at once: none needs another to start (topics and the outbox table exist),
            // and on two cores their JVM starts overlap with each other's waiting on Kafka.
            List<ServiceProcess> all = new ArrayList<>(cluster.processors);
            all.add(cluster.api);
            all.add(cluster.relay);
            startAll(all);
            cluster.startTime = Duration.ofNanos(System.nanoTime() - begun);
            log.info("process cluster up in {} ms:\n{}", cluster.startTime.toMillis(), cluster.describe());
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Topics and the outbox table up front, as a deployment's migration step would: then no service waits on another. */
    private void prepareStorage() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> wanted = topics.all().stream().map(Topic::name)
                    .map(name -> new NewTopic(name, options.topicPartitions(), (short) 1)).toList();
            admin.createTopics(wanted).all().get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ClusterStartException("could not create the cluster's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while creating topics", e);
        }
        OutboxMigration.migrate(environments.database().dataSource());
    }

    private static void startAll(List<ServiceProcess> services) {
        List<CompletableFuture<Void>> starts = services.stream()
                .map(service -> CompletableFuture.runAsync(service::start,
                        runnable -> Thread.ofPlatform().name("cluster-start-" + service.name()).start(runnable)))
                .toList();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Void> start : starts) {
            try {
                start.join();
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            ClusterStartException failure = failures.getFirst() instanceof ClusterStartException first
                    ? first : new ClusterStartException("a service failed to start: " + failures.getFirst(), failures.getFirst());
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private ServiceProcess service(String name, String kind, Map<String, String> env) {
        return new ServiceProcess(name, kind, env, options.serviceJvmArgs(), environments.logDir(), sandbox,
                options.startTimeout());
    }

    private ServiceProcess processorNamed(int index) {
        String name = SERVICE_KIND_PROCESSOR + "-" + index;
        return service(name, SERVICE_KIND_PROCESSOR, environments.processor(name));
    }

    /**
     * Starts one more processor instance in the same group (its own state directory); returns when
     * it is RUNNING, i.e. the group rebalanced with it in.
     */
    public synchronized ServiceProcess addProcessor() {
        ServiceProcess added = processorNamed(processors.size() + 1);
        processors.add(added);
        added.start();
        return added;
    }

    public ServiceProcess api() {
        return api;
    }

    public ServiceProcess relay() {
        return relay;
    }

    /** Every processor instance ever started in this cluster, running or not, in start order. */
    public List<ServiceProcess> processors() {
        return List.copyOf(processors);
    }

    public ClusterNode kafka() {
        return kafka;
    }

    public ClusterNode postgres() {
        return postgres;
    }

    /** Every process a fault can hit: services, broker, postmaster. */
    public List<ClusterNode> nodes() {
        return Stream.concat(Stream.<ClusterNode>of(api, relay), Stream.concat(processors.stream(),
                Stream.of(kafka, postgres))).toList();
    }

    /** {@code http://127.0.0.1:<port>}: the same port across API restarts. */
    public String apiUrl() {
        return "http://127.0.0.1:" + environments.apiPort();
    }

    /** The API key of the merchant at {@code index} in {@link ClusterOptions#merchants()}. */
    public String apiKey(int merchantIndex) {
        return environments.merchants().get(merchantIndex).apiKey();
    }

    public List<Merchant> merchants() {
        return environments.merchants();
    }

    public String bootstrapServers() {
        return sandbox.kafka().bootstrapServers();
    }

    /** The provider simulator (in this JVM): its ledger is the ground truth; faults are set on it directly. */
    public ProviderSimulator provider() {
        return sandbox.provider();
    }

    public String registryUrl() {
        return sandbox.registry().url();
    }

    /** payment-api's database (payments, status inbox, outbox). */
    public DatabaseInfo database() {
        return environments.database();
    }

    public Topics topics() {
        return topics;
    }

    /** The processors' Kafka Streams application id (their consumer group). */
    public String processorApplicationId() {
        return environments.applicationId();
    }

    /** The relay's replication slot. */
    public String relaySlot() {
        return environments.slotName();
    }

    /** The relay's Debezium offset file: delete it while the relay is stopped to make it re-deliver from its slot. */
    public Path relayOffsetFile() {
        return environments.relayOffsetFile();
    }

    /** Where the cluster keeps logs ({@code logs/<name>.log|.out}), relay offsets and processor state. */
    public Path workDir() {
        return dir;
    }

    /** Where a verifier finds this cluster's history. */
    public HistorySources historySources() {
        DatabaseInfo db = database();
        return new HistorySources(db.jdbcUrl(), db.user(), db.password(), bootstrapServers(), registryUrl(),
                provider().url(), topics);
    }

    public ClusterOptions options() {
        return options;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** How long {@link #start(ClusterOptions)} took, infrastructure included. */
    public Duration startTime() {
        return startTime;
    }

    /** One line per process: name, pid, last start time, resident memory; then where things are. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (ClusterNode node : nodes()) {
            text.append(String.format("  %-12s pid %-7s started in %5d ms  RSS %4d MB%n", node.name(),
                    node.isAlive() ? Long.toString(node.pid()) : "-", node.lastStartTime().toMillis(),
                    node.residentBytes() / (1024 * 1024)));
        }
        text.append("  api ").append(apiUrl()).append(", kafka ").append(bootstrapServers()).append(", topics ")
                .append(topics.paymentRequests().name().replace(".payment-requests.v1", ".*")).append(", logs ")
                .append(environments.logDir());
        return text.toString();
    }

    /** Stops the services (relay first, so nothing new enters), then the infrastructure; deletes the work dir. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs stopAll anyway
        }
        stopAll();
    }

    private void stopAll() {
        if (closed.getAndSet(true)) {
            return;
        }
        long begun = System.nanoTime();
        // thawed first: a frozen process would only act on SIGTERM once continued, and a frozen
        // postmaster could not shut down at all
        nodes().stream().filter(ClusterNode::isAlive).forEach(node -> {
            try {
                node.thaw();
            } catch (RuntimeException e) {
                log.debug("could not thaw {}: {}", node.name(), e.toString());
            }
        });
        terminateAll(List.of(relay));
        terminateAll(List.copyOf(processors));
        terminateAll(List.of(api));
        sandbox.close();
        if (!options.keepWorkDir()) {
            deleteTree(dir);
        }
        log.info("process cluster stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
    }

    private static void terminateAll(List<ServiceProcess> services) {
        services.stream()
                .map(service -> CompletableFuture.runAsync(() -> {
                    try {
                        service.terminate();
                    } catch (RuntimeException e) {
                        log.warn("could not stop {}: {}", service.name(), e.toString());
                    }
                }, runnable -> Thread.ofPlatform().name("cluster-stop-" + service.name()).start(runnable)))
                .toList()
                .forEach(CompletableFuture::join);
    }

    private static List<Merchant> merchants(List<String> names) {
        SecureRandom random = new SecureRandom();
        return names.stream().map(name -> {
            byte[] key = new byte[24];
            random.nextBytes(key);
            return new Merchant(name, "sk_cluster_" + HexFormat.of().formatHex(key));
        }).toList();
    }

    /** The API's port is chosen once and kept: a restarted API must be where clients already point. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the API", e);
        }
    }

    private static Path createDir(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("could not delete cluster dir {}: {}", root, e.toString());
        }
    }
}
