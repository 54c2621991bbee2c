package io.chargeonce.cli;

import io.chargeonce.api.ApiConfig;
import io.chargeonce.api.PaymentApi;
import io.chargeonce.api.health.HealthCheck;
import io.chargeonce.cli.service.ManagementServer;
import io.chargeonce.cli.service.ServiceHealth;
import io.chargeonce.processor.PaymentProcessor;
import io.chargeonce.processor.ProcessorConfig;
import io.chargeonce.relay.OutboxRelay;
import io.chargeonce.relay.RelayConfig;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The whole of chargeonce on the embedded infrastructure: the sandbox (Postgres, Kafka, registry,
 * provider simulator), then payment-api (which migrates its tables and the outbox), the
 * payment-processor (which creates the topics), and the outbox relay. Closing stops everything in
 * reverse order and frees every port. Used by {@code up}, {@code demo} and the end-to-end tests.
 *
 * <p>The in-process services share one Prometheus registry, served with one readiness report
 * (payment-api's checks, the relay, Kafka Streams) by a single {@link ManagementServer} on
 * {@link Options#managementPort()} ({@value ManagementServer#DEFAULT_STACK_PORT} for {@code up} and
 * {@code demo}); payment-api also serves the same registry at its own {@code /metrics}.
 */
public final class Stack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Stack.class);

    /**
     * Where the stack listens, what it is called, and how its processor is tuned.
     *
     * @param managementPort metrics and health of every in-process service (0 = a free port)
     * @param processor      changes to the payment-processor's settings over {@link ProcessorConfig}'s
     *                       defaults, e.g. a low {@code maxAttempts} and short backoff so a test can
     *                       exhaust retries in seconds instead of the default's tens of seconds. Applied
     *                       before the stack's own wiring (where the services are, the topics, the state
     *                       directory), which always wins, so the processor cannot drift from the other
     *                       services. Identity (today's defaults) unless {@link #withProcessor} says otherwise.
     */
    public record Options(SandboxConfig sandbox, int apiPort, String demoApiKey, Topics topics, String name,
                          int managementPort, UnaryOperator<ProcessorConfig.Builder> processor) {

        public Options {
            Objects.requireNonNull(processor, "processor");
        }

        /** The processor with its documented defaults. */
        public Options(SandboxConfig sandbox, int apiPort, String demoApiKey, Topics topics, String name,
                       int managementPort) {
            this(sandbox, apiPort, demoApiKey, topics, name, managementPort, UnaryOperator.identity());
        }

        /** These options with the processor's settings changed by {@code tuning} (replacing any earlier tuning). */
        public Options withProcessor(UnaryOperator<ProcessorConfig.Builder> tuning) {
            return new Options(sandbox, apiPort, demoApiKey, topics, name, managementPort, tuning);
        }

        /** The documented default ports; {@code up} and {@code demo} use these. */
        public static Options defaults(String demoApiKey) {
            return new Options(SandboxConfig.defaults(), ApiConfig.DEFAULT_HTTP_PORT, demoApiKey, Topics.defaults(),
                    "chargeonce", ManagementServer.DEFAULT_STACK_PORT);
        }

        /** Free ports everywhere; tests use these. */
        public static Options freePorts(String demoApiKey) {
            return new Options(SandboxConfig.freePorts(), 0, demoApiKey, Topics.defaults(), "chargeonce", 0);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Thread shutdownHook = new Thread(this::close, "chargeonce-stack-shutdown");
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Options options;
    private Sandbox sandbox;
    private PaymentApi api;
    private PaymentProcessor processor;
    private OutboxRelay relay;
    private ManagementServer management;
    private DatabaseInfo database;
    private String merchantId;

    private Stack(Options options) {
        this.options = options;
    }

    /** Starts every part and returns once payments can flow end to end; on failure stops what had started. */
    public static Stack start(Options options, PrintStream progress) {
        Stack stack = new Stack(options);
        // One hook stops everything in order; the sandbox's own would race the services' shutdown.
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll(progress);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(PrintStream progress) {
        long t0 = System.nanoTime();
        progress.println("starting the embedded infrastructure: Postgres, Kafka, schema registry, provider simulator ...");
        sandbox = remember(Sandbox.start(options.sandbox()));
        sandbox.takeOverShutdown();
        progress.printf("  infrastructure up in %.1f s%n", seconds(t0));

        DatabaseInfo db = sandbox.postgres().createDatabase(options.name());
        database = db;
        Topics topics = options.topics();

        long t1 = System.nanoTime();
        api = remember(PaymentApi.start(ApiConfig.builder()
                .httpHost("127.0.0.1")
                .httpPort(options.apiPort())
                .jdbc(db.jdbcUrl(), db.user(), db.password())
                .kafkaBootstrapServers(sandbox.kafka().bootstrapServers())
                .registryUrl(sandbox.registry().url())
                .topics(topics)
                .build(), meters, Clock.systemUTC(), new SplittableRandom()));
        merchantId = api.merchants().provision("demo-merchant", options.demoApiKey());
        progress.printf("  payment-api up in %.1f s%n", seconds(t1));

        long t2 = System.nanoTime();
        Path workDir = workDir();
        processor = remember(PaymentProcessor.create(options.processor()
                .apply(ProcessorConfig.builder(sandbox.kafka().bootstrapServers(), sandbox.registry().url(),
                        sandbox.provider().url()))
                .topics(topics)
                .stateDir(workDir.resolve("streams"))
                .build(), meters));
        processor.start();
        progress.printf("  payment-processor started in %.1f s%n", seconds(t2));

        long t3 = System.nanoTime();
        relay = remember(new OutboxRelay(RelayConfig
                .builder(new RelayConfig.Database(sandbox.postgres().host(), sandbox.postgres().port(), db.name(),
                        db.user(), db.password()), sandbox.kafka().bootstrapServers())
                .topics(topics)
                .offsetFile(workDir.resolve("relay-offsets.dat"))
                // The slot is not dropped on stop: Debezium would also drop it on its own internal
                // restart and could then never resume. No slot outlives the stack anyway: the
                // sandbox's Postgres, data directory and all, goes when the stack closes.
                .dropSlotOnStop(false)
                .build(), meters, Clock.systemUTC()));
        relay.start();
        progress.printf("  outbox-relay streaming in %.1f s%n", seconds(t3));

        Map<String, HealthCheck> readiness = new LinkedHashMap<>(api.readiness());
        readiness.put("relay", ServiceHealth.relay(relay));
        readiness.put("kafkaStreams", ServiceHealth.processor(processor));
        management = remember(ManagementServer.start("127.0.0.1", options.managementPort(), meters, readiness));
        log.info("chargeonce stack up in {} s", String.format("%.1f", seconds(t0)));
    }

    /** Streams state and relay offsets of this run; deleted when the stack closes. */
    private Path workDir() {
        try {
            Path dir = Files.createTempDirectory("chargeonce-services-");
            started.push(() -> deleteRecursively(dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the services", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private <T extends AutoCloseable> T remember(T part) {
        started.push(part);
        return part;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public PaymentApi api() {
        return api;
    }

    public PaymentProcessor processor() {
        return processor;
    }

    public OutboxRelay relay() {
        return relay;
    }

    /** payment-api's database ({@code chargeonce_1} on a fresh sandbox); {@code verify} reads its payments. */
    public DatabaseInfo database() {
        return database;
    }

    public MeterRegistry meters() {
        return meters;
    }

    public Topics topics() {
        return options.topics();
    }

    /** Metrics ({@code /metrics}) and health ({@code /health/live}, {@code /health/ready}) of the whole stack. */
    public String managementUrl() {
        return "http://127.0.0.1:" + management.port();
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + api.port();
    }

    public String apiKey() {
        return options.demoApiKey();
    }

    public String merchantId() {
        return merchantId;
    }

    /** Where everything is, for people. */
    public String describe() {
        return String.join(System.lineSeparator(),
                "payment-api        " + apiUrl() + "   (POST /payments, GET /payments/{id})",
                "metrics and health " + managementUrl() + "   (/metrics, /health/live, /health/ready)",
                "demo merchant      " + merchantId + "   API key: " + apiKey(),
                "schema registry    " + sandbox.registry().url(),
                "provider simulator " + sandbox.provider().url() + "   (GET /v1/ledger, PUT /v1/sim/faults)",
                "kafka              " + sandbox.kafka().bootstrapServers(),
                "postgres           " + database.jdbcUrl() + "   user " + sandbox.postgres().user(),
                "topics             " + String.join(", ", options.topics().all().stream().map(t -> t.name()).toList()));
    }

    /**
     * Stops the relay, the processor, the API and the infrastructure, in that order; logs what
     * failed to stop. Called again (by the JVM's exit, or a second thread) it waits for the first
     * call to finish and does nothing more.
     */
    @Override
    public synchronized void close() {
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting and the hook will call close() too; it finds nothing left to stop
            }
        }
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("could not stop {} cleanly: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
