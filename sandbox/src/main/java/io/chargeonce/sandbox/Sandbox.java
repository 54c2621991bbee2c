package io.chargeonce.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real infrastructure on this machine for tests, the demo and {@code chargeonce up}: a Postgres
 * server, a Kafka broker, a schema registry and a payment-provider simulator, each optional.
 *
 * <p>Components start in parallel. If any fails, the others are stopped again and a
 * {@link SandboxStartException} names the failed components and why. Each instance registers
 * under a shared root so that one started after a kill -9 first stops what the dead one left
 * running (see {@link Reaper}); {@link #close()} stops everything and frees every port.
 *
 * <p>Tests call {@link #shared()}: one sandbox per JVM, on free ports, started on first use and
 * stopped when the JVM exits.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final Object SHARED_LOCK = new Object();
    /** Grace beyond a component's own start timeout before the sandbox stops waiting for it. */
    private static final Duration START_DEADLINE_MARGIN = Duration.ofSeconds(30);
    private static Sandbox shared;
    private static RuntimeException sharedFailure;

    private final SandboxConfig config;
    private final InstanceDir instance;
    private final Map<Component, AutoCloseable> nodes;
    private final Map<Component, Duration> startTimes;
    private final boolean isShared;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread shutdownHook;

    private Sandbox(SandboxConfig config, InstanceDir instance, Map<Component, AutoCloseable> nodes,
            Map<Component, Duration> startTimes, boolean isShared) {
        this.config = config;
        this.instance = instance;
        this.nodes = Collections.unmodifiableMap(nodes);
        this.startTimes = Collections.unmodifiableMap(startTimes);
        this.isShared = isShared;
        this.shutdownHook = new Thread(this::stop, "sandbox-" + instance.id() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the components {@code config} selects; throws {@link SandboxStartException} if any fails. */
    public static Sandbox start(SandboxConfig config) {
        return start(config, false);
    }

    /**
     * The JVM's sandbox: every component on free ports, started by the first call, stopped by a
     * shutdown hook. Its {@link #close()} does nothing, so a test cannot take it from the next one.
     * If it failed to start, later calls fail at once with the same cause instead of retrying.
     */
    public static Sandbox shared() {
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("the shared sandbox failed to start earlier in this JVM", sharedFailure);
            }
            try {
                shared = start(SandboxConfig.freePorts(), true);
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            return shared;
        }
    }

    private static Sandbox start(SandboxConfig config, boolean isShared) {
        List<String> reaped = Reaper.reapStale(InstanceDir.root());
        if (!reaped.isEmpty()) {
            LOG.info("cleaned up {} stale sandbox(es) left by dead JVMs: {}", reaped.size(), reaped);
        }
        InstanceDir instance = InstanceDir.create(InstanceDir.root(), config.workDir());
        Map<Component, CompletableFuture<Started>> starts = new EnumMap<>(Component.class);
        ExecutorService executor = Executors.newFixedThreadPool(config.components().size(),
                Thread.ofPlatform().daemon().factory());
        for (Component component : config.components()) {
            starts.put(component, CompletableFuture.supplyAsync(() -> startTimed(component, config, instance), executor));
        }
        executor.shutdown(); // threads end with their tasks; a hung one must not block this method
        Duration deadline = config.startTimeout().plus(START_DEADLINE_MARGIN);
        awaitAll(starts.values(), deadline);
        Outcome outcome = collect(starts, deadline);
        if (!outcome.failures().isEmpty()) {
            stopAll(outcome.nodes());
            instance.close();
            SandboxStartException failure = new SandboxStartException(outcome.failures());
            LOG.error(failure.getMessage());
            throw failure;
        }
        Sandbox sandbox = new Sandbox(config, instance, outcome.nodes(), outcome.startTimes(), isShared);
        LOG.info("sandbox {} ready:{}{}", instance.id(), System.lineSeparator(), sandbox.describe());
        return sandbox;
    }

    private record Outcome(Map<Component, AutoCloseable> nodes, Map<Component, Duration> startTimes,
            Map<Component, Throwable> failures) {
    }

    private static Outcome collect(Map<Component, CompletableFuture<Started>> starts, Duration deadline) {
        Outcome outcome = new Outcome(new EnumMap<>(Component.class), new EnumMap<>(Component.class),
                new EnumMap<>(Component.class));
        starts.forEach((component, future) -> {
            if (!future.isDone()) {
                outcome.failures().put(component, new TimeoutException(
                        component.label() + " did not become ready within " + deadline.toSeconds() + " s"));
                // if it does come up later, nobody will use it: stop it then
                future.thenAccept(late -> stopAll(Map.of(component, late.node())));
                return;
            }
            try {
                Started started = future.join();
                outcome.nodes().put(component, started.node());
                outcome.startTimes().put(component, started.took());
            } catch (CompletionException e) {
                outcome.failures().put(component, e.getCause());
            }
        });
        return outcome;
    }

    private record Started(AutoCloseable node, Duration took) {
    }

    /** Waits for every start to finish, or until the deadline; components watch their own timeouts first. */
    private static void awaitAll(Collection<CompletableFuture<Started>> starts, Duration deadline) {
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
                    .exceptionally(failed -> null)
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillStarting) {
            // reported per component by the caller
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static Started startTimed(Component component, SandboxConfig config, InstanceDir instance) {
        Thread.currentThread().setName("sandbox-start-" + component.label());
        long begun = System.nanoTime();
        try {
            AutoCloseable node = Ports.startOn(component.label(), config.port(component),
                    port -> startComponent(component, port, config, instance));
            Duration took = Duration.ofNanos(System.nanoTime() - begun);
            LOG.info("{} ready in {} ms at {}", component.label(), took.toMillis(), node);
            return new Started(node, took);
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static AutoCloseable startComponent(Component component, int port, SandboxConfig config,
            InstanceDir instance) throws Exception {
        Path dir = instance.dataDir().resolve(component.label());
        return switch (component) {
            case POSTGRES -> PostgresNode.start(port, dir, instance, config.startTimeout());
            case KAFKA -> KafkaNode.start(port, dir, instance, config.kafkaMode(), config.startTimeout(),
                    config.kafkaSecurity());
            case REGISTRY -> RegistryNode.start(port, dir, instance, config.startTimeout());
            case PROVIDER -> ProviderSimulator.start(port);
        };
    }

    public PostgresNode postgres() {
        return node(Component.POSTGRES, PostgresNode.class);
    }

    public KafkaNode kafka() {
        return node(Component.KAFKA, KafkaNode.class);
    }

    public RegistryNode registry() {
        return node(Component.REGISTRY, RegistryNode.class);
    }

    public ProviderSimulator provider() {
        return node(Component.PROVIDER, ProviderSimulator.class);
    }

    public SandboxConfig config() {
        return config;
    }

    /** This instance's id, also the name of its runtime and data directories. */
    public String id() {
        return instance.id();
    }

    /**
     * Text to put on the command line of a process this sandbox's user starts (e.g. a service JVM),
     * as a JVM system property: it names this instance, so the {@link Reaper} recognises the process
     * as ours and stops it once this JVM is gone, even if its record was lost.
     */
    public String processMarker() {
        return "-D" + RegistryNode.INSTANCE_PROPERTY + "=" + instance.id();
    }

    /**
     * Records a process started for this sandbox (under a name unique within it; recording the same
     * name again replaces the record, as a restarted service does), so that if this JVM dies without
     * closing, the next sandbox on the machine stops it. Its command line must contain
     * {@link #processMarker()}: a recycled pid never matches and is left alone.
     */
    public void recordProcess(String name, ProcessHandle process) {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("process names are lower-case letters, digits and '-', got " + name);
        }
        instance.recordChild(ChildProcess.of(name, process, processMarker()));
    }

    /** Where this instance keeps its data (deleted on close). */
    public Path dataDir() {
        return instance.dataDir();
    }

    /** How long each component took to become ready. */
    public Map<Component, Duration> startTimes() {
        return startTimes;
    }

    /** Where everything is: one line per component with its address, plus the data directory. */
    public String describe() {
        StringBuilder text = new StringBuilder("chargeonce sandbox ").append(instance.id())
                .append(", data in ").append(instance.dataDir());
        nodes.forEach((component, node) -> text.append(System.lineSeparator())
                .append(String.format("  %-9s %s (started in %d ms)", component.label(), node,
                        startTimes.get(component).toMillis())));
        return text.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * The caller takes over stopping this sandbox at JVM exit: its own shutdown hook must close it.
     * A stack of services on top needs this, because JVM shutdown hooks run concurrently: with the
     * sandbox's own hook, Postgres and Kafka would stop while the services are still closing
     * against them (the relay could not flush, the processor could not leave its group).
     */
    public void takeOverShutdown() {
        if (isShared) {
            throw new IllegalStateException("the shared sandbox stops at JVM exit; nobody can take that over");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already exiting: the hook runs anyway, and stop() is idempotent
        }
    }

    /** Stops every component and deletes the data; the shared sandbox ignores this (the JVM's exit stops it). */
    @Override
    public void close() {
        if (isShared) {
            LOG.debug("close() on the shared sandbox ignored; it stops when the JVM exits");
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; stop() is idempotent
        }
        stop();
    }

    private void stop() {
        if (stopped.getAndSet(true)) {
            return;
        }
        long begun = System.nanoTime();
        stopAll(nodes);
        instance.close();
        LOG.info("sandbox {} stopped in {} ms", instance.id(), Duration.ofNanos(System.nanoTime() - begun).toMillis());
    }

    /** Stops components in parallel: each waits on its own process or threads, not on the others. */
    private static void stopAll(Map<Component, AutoCloseable> nodes) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        nodes.forEach((component, node) -> stops.add(CompletableFuture.runAsync(() -> {
            try {
                node.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", component.label(), e.toString());
            }
        }, runnable -> Thread.ofPlatform().name("sandbox-stop-" + component.label()).start(runnable))));
        stops.forEach(CompletableFuture::join);
    }

    private <T> T node(Component component, Class<T> type) {
        AutoCloseable node = nodes.get(component);
        if (node == null) {
            throw new IllegalStateException(component.label() + " is not part of this sandbox (it runs "
                    + config.components() + ")");
        }
        return type.cast(node);
    }
}
