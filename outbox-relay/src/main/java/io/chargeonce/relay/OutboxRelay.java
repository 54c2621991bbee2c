package io.chargeonce.relay;

import io.chargeonce.relay.capture.CaptureProperties;
import io.chargeonce.relay.delivery.BatchDelivery;
import io.chargeonce.relay.delivery.RelayMetrics;
import io.chargeonce.relay.route.OutboxRoutes;
import io.chargeonce.relay.slot.Lsn;
import io.chargeonce.relay.slot.ReplicationSlot;
import io.chargeonce.relay.slot.SlotState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Relays committed outbox rows from Postgres to Kafka: a Debezium embedded engine reads the
 * outbox table's inserts from the WAL through a logical replication slot, the outbox EventRouter
 * shapes them, and {@link BatchDelivery} produces them and marks them processed only after Kafka
 * acknowledged them.
 *
 * <p>Guarantees: every row committed to the outbox reaches its topic at least once, as long as the
 * replication slot exists (do not drop it in production); each aggregate's events keep their
 * commit order; a restart resumes from the last flushed offset (or the slot's confirmed position),
 * so rows committed while the relay was down arrive after it starts, and rows relayed since the
 * last offset flush arrive twice.
 *
 * <p>Lifecycle: {@link #start()} returns once the connector is streaming (the slot exists, so
 * anything committed from then on is captured); {@link #close()} stops the engine, which commits
 * the offsets of everything acknowledged, then closes the producer.
 *
 * <p>Recovery: Debezium retries lost database connections itself ({@code errors.max.retries=-1},
 * see {@link CaptureProperties}). If the engine stops anyway (Postgres gone past those retries,
 * Kafka not acknowledging within {@link RelayConfig#deliveryTimeout()}, a row it cannot route),
 * the relay logs why and starts a new engine and producer after a jittered, capped backoff
 * ({@link RelayConfig#restartBackoff()}), for as long as it is not closed. A restart never skips:
 * it resumes from the offsets, which only ever cover what Kafka acknowledged. {@link #failure()}
 * keeps the last reason and {@link #restarts()} counts them.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** Gauge of the WAL bytes the relay's slot holds on the database server. */
    public static final String RETAINED_WAL = "chargeonce.relay.slot.retained.wal";

    private static final Duration ENGINE_STOP_PATIENCE = Duration.ofSeconds(30);
    private static final Duration SLOT_DROP_PATIENCE = Duration.ofSeconds(10);

    private enum State { NEW, RUNNING, CLOSED }

    private final RelayConfig config;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RandomGenerator random;
    private final OutboxRoutes routes;
    private final ReplicationSlot slot;
    private final RelayMetrics metrics;
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger failuresInARow = new AtomicInteger();

    private volatile State state = State.NEW;
    private volatile Throwable failure;
    private volatile EngineRun current;
    private volatile OptionalLong lastAckedLsn = OptionalLong.empty();
    private volatile ScheduledExecutorService supervisor;
    private Gauge retainedWalGauge;

    /**
     * @param meters where the relay's metrics go ({@link RelayMetrics}, {@value #RETAINED_WAL})
     * @param clock  stamps Kafka acknowledgements for the commit-to-ack latency
     * @param random jitter of the restart backoff, so relays stopped by one outage do not retry in step
     */
    public OutboxRelay(RelayConfig config, MeterRegistry meters, Clock clock, RandomGenerator random) {
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.random = random;
        this.routes = OutboxRoutes.from(config.topics());
        this.slot = new ReplicationSlot(config.database(), config.slotName());
        this.metrics = new RelayMetrics(meters, Tags.of("slot", config.slotName()));
    }

    /** A relay with an entropy-seeded jitter generator. */
    public OutboxRelay(RelayConfig config, MeterRegistry meters, Clock clock) {
        this(config, meters, clock, new SplittableRandom());
    }

    /** A relay with its own in-memory metrics and the system clock. */
    public OutboxRelay(RelayConfig config) {
        this(config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /**
     * Checks the database, starts the engine on its own thread and waits until it streams. A
     * failure here is not retried: whoever starts the relay learns at once that it cannot run.
     *
     * @throws IllegalStateException if the database is not ready for the relay (no logical WAL,
     *                               no outbox table), if the engine fails to start or does not
     *                               stream within {@link RelayConfig#startTimeout()}; the relay is
     *                               closed then
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("an OutboxRelay starts once; create a new one to restart (state " + state + ")");
        }
        state = State.RUNNING;
        try {
            Optional<SlotState> before = new DatabaseCheck(config).requireReady(slot);
            log.info("outbox relay starting: {} -> {} via slot {} ({}), publication {}, offsets {}",
                    config.outboxTable(), routes, config.slotName(),
                    before.map(s -> "resuming after confirmed LSN " + s.confirmedFlushLsn()
                            + ", " + s.retainedWalBytes() + " WAL bytes retained").orElse("new, created on start"),
                    config.publicationName(), config.offsetFile());
            boolean offsetsWithoutSlot = before.isEmpty() && Files.exists(config.offsetFile());
            createOffsetDirectory(config.offsetFile());

            EngineRun first = EngineRun.prepare(0, config, routes, metrics, clock);
            current = first;
            requireTopics(first);
            first.start(config, this::runStopped);
            awaitStreaming(first, offsetsWithoutSlot);
            supervisor = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "outbox-relay-" + config.slotName() + "-supervisor");
                thread.setDaemon(true);
                return thread;
            });
            retainedWalGauge = Gauge.builder(RETAINED_WAL, this, relay -> relay.retainedWalBytes().orElse(0))
                    .description("WAL bytes Postgres keeps for the relay's replication slot")
                    .baseUnit("bytes")
                    .tags("slot", config.slotName())
                    .register(meters);
            log.info("outbox relay streaming from slot {} to {}", config.slotName(), routes.all().values());
        } catch (RuntimeException e) {
            log.error("outbox relay on slot {} failed to start: {}", config.slotName(), e.getMessage());
            close();
            throw e;
        }
    }

    /** Whether an engine is streaming right now: false before start, after close, and while a restart is pending. */
    public boolean isRunning() {
        EngineRun run = current;
        return state == State.RUNNING && run != null && run.isStreaming();
    }

    /** Why the engine last stopped on its own (Kafka not acknowledging, an unroutable row, ...), if it ever did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** How many times the relay started a new engine after one stopped on its own. */
    public int restarts() {
        return restarts.get();
    }

    /** Events Kafka acknowledged since this relay started. */
    public long relayedCount() {
        return metrics.relayedCount();
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public RelayConfig config() {
        return config;
    }

    /**
     * WAL bytes Postgres keeps for this relay's slot: near zero while the relay keeps up, growing
     * while it is stopped or behind. Empty if the slot does not exist or the database cannot be
     * asked right now (an error is logged).
     */
    public OptionalLong retainedWalBytes() {
        try {
            return slot.read().map(s -> OptionalLong.of(s.retainedWalBytes())).orElse(OptionalLong.empty());
        } catch (SQLException e) {
            log.warn("cannot read replication slot {}: {}", config.slotName(), e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * Stops the engine (which commits the offsets of everything Kafka acknowledged), closes the
     * producer and, if configured, drops the slot. A pending restart is cancelled. Idempotent.
     */
    @Override
    public void close() {
        ScheduledExecutorService restarter;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasRunning = state == State.RUNNING;
            state = State.CLOSED;
            if (!wasRunning) {
                return;
            }
            restarter = supervisor;
        }
        if (restarter != null) {
            // outside the lock: a restart in progress holds it and must be allowed to finish
            restarter.shutdownNow();
            awaitTermination(restarter);
        }
        synchronized (this) {
            stopCurrentRun();
        }
    }

    private void stopCurrentRun() {
        EngineRun run = current;
        if (run == null || !run.engineStarted()) {
            // Refused before Debezium was involved (database not ready, topics missing): nothing to stop or drop.
            if (run != null) {
                run.stop(ENGINE_STOP_PATIENCE);
            }
            log.info("outbox relay on slot {} closed before it started", config.slotName());
            return;
        }
        log.info("outbox relay on slot {} stopping after {} events", config.slotName(), metrics.relayedCount());
        run.stop(ENGINE_STOP_PATIENCE);
        run.lastAckedLsn().ifPresent(lsn -> lastAckedLsn = OptionalLong.of(lsn));
        if (retainedWalGauge != null) {
            meters.remove(retainedWalGauge);
        }
        String lastCommitted = lastAckedLsn.stream().mapToObj(Lsn::format).findFirst().orElse("none");
        String slotAfter = config.dropSlotOnStop() ? dropSlotAndOffsets() : "confirmed LSN " + confirmedLsn();
        log.info("outbox relay stopped: slot {} ({}), publication {}, last committed LSN {}, {} events relayed, {} restarts",
                config.slotName(), slotAfter, config.publicationName(), lastCommitted, metrics.relayedCount(),
                restarts.get());
    }

    private static void awaitTermination(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(ENGINE_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitStreaming(EngineRun run, boolean offsetsWithoutSlot) {
        try {
            run.streaming.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("outbox relay on slot " + config.slotName() + " was not streaming after "
                    + config.startTimeout() + "; is Postgres reachable and the slot free?", e);
        } catch (ExecutionException e) {
            if (offsetsWithoutSlot) {
                // Debezium refuses to resume from a position the new slot cannot serve: the old slot
                // was dropped and whatever was committed meanwhile was never decoded. Say so plainly.
                throw new IllegalStateException("replication slot " + config.slotName() + " did not exist, but "
                        + config.offsetFile() + " holds a position from an earlier run: the slot was dropped while "
                        + "the relay was away, so outbox rows committed in between were never decoded and cannot be "
                        + "relayed. Find those payments (no event on " + routes.all().values() + "), then delete "
                        + config.offsetFile() + " to start over on a new slot", e.getCause());
            }
            throw new IllegalStateException("outbox relay on slot " + config.slotName() + " failed to start: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the outbox relay was starting", e);
        }
    }

    /** Called on the engine's thread when a run stops; never waits for the relay's lock. */
    private void runStopped(EngineRun run) {
        run.lastAckedLsn().ifPresent(lsn -> lastAckedLsn = OptionalLong.of(lsn));
        if (run.failure() != null) {
            failure = run.failure();
        }
        ScheduledExecutorService restarter = supervisor;
        if (state != State.RUNNING || run != current || restarter == null) {
            return; // closing, a run already replaced, or the first start (which reports its own failure)
        }
        int inARow = failuresInARow.incrementAndGet();
        Duration delay = backoff(inARow);
        Throwable cause = run.failure() != null ? run.failure() : new IllegalStateException("engine stopped by itself");
        // Debezium has already logged the stack trace; this says what it means and what happens next.
        log.error("outbox relay on slot {} stopped: {}. Unrelayed rows stay in the slot; starting a new engine in {} ms "
                        + "(restart {}, failure {} in a row)", config.slotName(), describe(cause), delay.toMillis(),
                restarts.get() + 1, inARow);
        try {
            restarter.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            log.debug("relay on slot {} is closing; no restart", config.slotName());
        }
    }

    /** A new engine and producer in place of a run that stopped; it resumes from the flushed offsets. */
    private synchronized void restart() {
        if (state != State.RUNNING) {
            return;
        }
        current.stop(ENGINE_STOP_PATIENCE); // its engine stopped already: this closes its producer and thread
        int number = restarts.incrementAndGet();
        EngineRun next = EngineRun.prepare(number, config, routes, metrics, clock);
        current = next;
        next.streaming.thenRun(() -> {
            failuresInARow.set(0);
            log.info("outbox relay on slot {} streaming again (restart {})", config.slotName(), number);
        });
        next.start(config, this::runStopped);
    }

    /** Full jitter over a doubling ceiling: relays that one outage stopped together do not retry in step. */
    private Duration backoff(int failureInARow) {
        long base = config.restartBackoff().toMillis();
        long cap = config.restartBackoffMax().toMillis();
        long ceiling = failureInARow > 20 ? cap : Math.min(cap, base << (failureInARow - 1));
        return Duration.ofMillis(ceiling / 2 + random.nextLong(ceiling / 2 + 1));
    }

    /**
     * Fetches the routed topics' metadata now, so a missing topic or an unreachable broker stops
     * the start with a clear message, and the first batch does not wait for metadata while rows
     * pile up behind it (measured: ~0.9 s on the first batch without this).
     */
    private void requireTopics(EngineRun run) {
        for (String topic : routes.all().values()) {
            try {
                run.producer().partitionsFor(topic);
            } catch (KafkaException e) {
                throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not describe topic "
                        + topic + " within " + config.deliveryTimeout() + " (" + e.getMessage()
                        + "); create the catalog's topics before starting the relay", e);
            }
        }
    }

    private static String describe(Throwable failure) {
        StringBuilder description = new StringBuilder(failure.toString());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            description.append(", caused by ").append(cause);
        }
        return description.toString();
    }

    /** A dropped slot forgets the position, so the offsets go too: the next start begins afresh. */
    private String dropSlotAndOffsets() {
        try {
            // Usually Debezium has dropped it already (slot.drop.on.stop); this also covers an engine
            // that failed before it could.
            slot.drop(SLOT_DROP_PATIENCE);
            Files.deleteIfExists(config.offsetFile());
            return "dropped, offsets deleted";
        } catch (SQLException e) {
            log.error("could not drop replication slot {}: {}", config.slotName(), e.getMessage());
            return "NOT dropped, still holding WAL";
        } catch (IOException e) {
            log.error("could not delete offset file {}: {}", config.offsetFile(), e.getMessage());
            return "dropped, offsets NOT deleted: delete " + config.offsetFile() + " before the next start";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "drop interrupted";
        }
    }

    private String confirmedLsn() {
        try {
            return slot.read().map(SlotState::confirmedFlushLsn).orElse("none (slot missing)");
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static void createOffsetDirectory(Path offsetFile) {
        Path parent = offsetFile.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the relay's offset directory " + parent, e);
        }
    }

    static Map<String, Object> producerProperties(RelayConfig config) {
        Map<String, Object> props = new HashMap<>(config.producerOverrides());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "chargeonce-outbox-relay-" + config.slotName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        long deliveryMs = config.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryMs));
        // Kafka insists request.timeout + linger <= delivery.timeout; batches are flushed right
        // away, so lingering buys nothing here.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryMs));
        // A send blocked on metadata (topic missing, broker down) counts against the same budget.
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs);
        return props;
    }
}
