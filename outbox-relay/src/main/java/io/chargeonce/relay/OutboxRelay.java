package io.chargeonce.relay;

import io.chargeonce.relay.capture.CaptureProperties;
import io.chargeonce.relay.delivery.BatchDelivery;
import io.chargeonce.relay.delivery.RelayMetrics;
import io.chargeonce.relay.route.OutboxRoutes;
import io.chargeonce.relay.slot.Lsn;
import io.chargeonce.relay.slot.ReplicationSlot;
import io.chargeonce.relay.slot.SlotState;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * the offsets of everything acknowledged, then closes the producer. If Kafka stops acknowledging
 * or a row cannot be relayed, the engine stops, {@link #failure()} says why and the slot keeps
 * the unrelayed rows; restarting the relay (a new instance) retries them.
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
    private final OutboxRoutes routes;
    private final ReplicationSlot slot;
    private final RelayMetrics metrics;
    private final CompletableFuture<Void> streaming = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private State state = State.NEW;
    private volatile Throwable failure;
    private Producer<String, byte[]> producer;
    private BatchDelivery delivery;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService engineThread;
    private Gauge retainedWalGauge;

    /**
     * @param meters where the relay's metrics go ({@link RelayMetrics}, {@value #RETAINED_WAL})
     * @param clock  stamps Kafka acknowledgements for the commit-to-ack latency
     */
    public OutboxRelay(RelayConfig config, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.meters = meters;
        this.clock = clock;
        this.routes = OutboxRoutes.from(config.topics());
        this.slot = new ReplicationSlot(config.database(), config.slotName());
        this.metrics = new RelayMetrics(meters, Tags.of("slot", config.slotName()));
    }

    /** A relay with its own in-memory metrics and the system clock. */
    public OutboxRelay(RelayConfig config) {
        this(config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /**
     * Checks the database, starts the engine on its own thread and waits until it streams.
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

            producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(), new ByteArraySerializer());
            requireTopics();
            delivery = new BatchDelivery(producer, routes, metrics, clock,
                    config.deliveryTimeout().plus(Duration.ofSeconds(5)));
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(CaptureProperties.of(config))
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void pollingStarted() {
                            streaming.complete(null);
                        }
                    })
                    .using(this::engineStopped)
                    .notifying(delivery)
                    .build();
            engineThread = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "outbox-relay-" + config.slotName());
                thread.setDaemon(true);
                return thread;
            });
            engineThread.execute(engine);
            awaitStreaming(offsetsWithoutSlot);
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

    /** Whether the engine is streaming: started, not closed, not stopped by a failure. */
    public boolean isRunning() {
        return streaming.isDone() && !streaming.isCompletedExceptionally() && !stopped.isDone();
    }

    /** Why the engine stopped on its own (Kafka not acknowledging, an unroutable row, ...), if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
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
     * producer and, if configured, drops the slot. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        state = State.CLOSED;
        if (engine == null) {
            // Refused before Debezium was involved (database not ready): nothing to stop or drop.
            closeProducer();
            log.info("outbox relay on slot {} closed before it started", config.slotName());
            return;
        }
        log.info("outbox relay on slot {} stopping after {} events", config.slotName(), metrics.relayedCount());
        stopEngine();
        closeProducer();
        if (retainedWalGauge != null) {
            meters.remove(retainedWalGauge);
        }
        String lastCommitted = delivery.lastAckedLsn().stream().mapToObj(Lsn::format).findFirst().orElse("none");
        String slotAfter = config.dropSlotOnStop() ? dropSlotAndOffsets() : "confirmed LSN " + confirmedLsn();
        log.info("outbox relay stopped: slot {} ({}), publication {}, last committed LSN {}, {} events relayed",
                config.slotName(), slotAfter, config.publicationName(), lastCommitted, metrics.relayedCount());
    }

    private void closeProducer() {
        if (producer != null) {
            // Every batch was flushed and awaited before it was marked, so nothing is pending here.
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void awaitStreaming(boolean offsetsWithoutSlot) {
        try {
            streaming.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
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

    private void engineStopped(boolean success, String message, Throwable error) {
        if (!success) {
            failure = error != null ? error : new IllegalStateException(message);
            if (!streaming.isDone()) {
                streaming.completeExceptionally(failure);
            } else {
                // Debezium has already logged the stack trace; this says what it means.
                log.error("outbox relay on slot {} stopped: {}. Unrelayed rows stay in the slot; restart the relay "
                        + "to retry them", config.slotName(), describe(failure));
            }
        } else if (!streaming.isDone()) {
            streaming.completeExceptionally(new IllegalStateException("engine stopped before streaming: " + message));
        }
        stopped.complete(null);
    }

    /**
     * Fetches the routed topics' metadata now, so a missing topic or an unreachable broker stops
     * the start with a clear message, and the first batch does not wait for metadata while rows
     * pile up behind it (measured: ~0.9 s on the first batch without this).
     */
    private void requireTopics() {
        for (String topic : routes.all().values()) {
            try {
                producer.partitionsFor(topic);
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

    private void stopEngine() {
        if (engine == null) {
            return;
        }
        if (!stopped.isDone()) {
            try {
                engine.close();
            } catch (IllegalStateException e) {
                // Already stopping on its own (failure) or still starting its task: wait below.
                log.debug("engine close refused: {}", e.getMessage());
            } catch (IOException e) {
                log.warn("engine of slot {} did not close cleanly: {}", config.slotName(), e.getMessage());
            }
        }
        try {
            stopped.get(ENGINE_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("engine of slot {} still running {} after close; interrupting it", config.slotName(),
                    ENGINE_STOP_PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engineThread.shutdownNow();
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
