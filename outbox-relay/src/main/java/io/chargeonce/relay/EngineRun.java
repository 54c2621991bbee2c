package io.chargeonce.relay;

import io.chargeonce.relay.capture.CaptureProperties;
import io.chargeonce.relay.delivery.BatchDelivery;
import io.chargeonce.relay.delivery.RelayMetrics;
import io.chargeonce.relay.route.OutboxRoutes;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One life of the relay's Debezium engine and of the producer it delivers through. A run that
 * stopped on its own is never revived: the relay starts a new run, which resumes from the flushed
 * offsets (or the slot), so everything the dead run had not flushed is read and sent again.
 */
final class EngineRun {

    private static final Logger log = LoggerFactory.getLogger(EngineRun.class);

    final int number;
    final CompletableFuture<Void> streaming = new CompletableFuture<>();
    final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final String slotName;
    private final Producer<String, byte[]> producer;
    private final BatchDelivery delivery;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService thread;
    private volatile Throwable failure;

    private EngineRun(int number, RelayConfig config, Producer<String, byte[]> producer, BatchDelivery delivery) {
        this.number = number;
        this.slotName = config.slotName();
        this.producer = producer;
        this.delivery = delivery;
    }

    /** A run with its producer created but no engine yet, so the caller can check topics first. */
    static EngineRun prepare(int number, RelayConfig config, OutboxRoutes routes, RelayMetrics metrics, Clock clock) {
        Producer<String, byte[]> producer = new KafkaProducer<>(OutboxRelay.producerProperties(config),
                new StringSerializer(), new ByteArraySerializer());
        BatchDelivery delivery = new BatchDelivery(producer, routes, metrics, clock,
                config.deliveryTimeout().plus(Duration.ofSeconds(5)));
        return new EngineRun(number, config, producer, delivery);
    }

    Producer<String, byte[]> producer() {
        return producer;
    }

    /** Starts the engine on a thread of its own; {@code onStop} runs on that thread when the engine stops, however. */
    void start(RelayConfig config, Consumer<EngineRun> onStop) {
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(CaptureProperties.of(config))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        streaming.complete(null);
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failure = error != null ? error : new IllegalStateException(message);
                        streaming.completeExceptionally(failure);
                    } else {
                        streaming.completeExceptionally(new IllegalStateException("engine stopped before streaming: "
                                + message));
                    }
                    stopped.complete(null);
                    onStop.accept(this);
                })
                .notifying(delivery)
                .build();
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "outbox-relay-" + slotName + "-" + number);
            t.setDaemon(true);
            return t;
        });
        thread.execute(engine);
    }

    boolean engineStarted() {
        return engine != null;
    }

    /** Why the engine stopped on its own, or null if it did not (yet) or stopped because it was asked to. */
    Throwable failure() {
        return failure;
    }

    boolean isStreaming() {
        return streaming.isDone() && !streaming.isCompletedExceptionally() && !stopped.isDone();
    }

    OptionalLong lastAckedLsn() {
        return delivery.lastAckedLsn();
    }

    /**
     * Stops the engine (which commits the offsets of everything acknowledged) and closes the
     * producer. Every batch was flushed and awaited before it was marked, so nothing is pending in it.
     */
    void stop(Duration patience) {
        if (engine != null && !stopped.isDone()) {
            try {
                engine.close();
            } catch (IllegalStateException e) {
                // Already stopping on its own (failure) or still starting its task: wait below.
                log.debug("engine close refused: {}", e.getMessage());
            } catch (IOException e) {
                log.warn("engine of slot {} did not close cleanly: {}", slotName, e.getMessage());
            }
        }
        if (engine != null) {
            try {
                stopped.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                log.warn("engine of slot {} still running {} after close; interrupting it", slotName, patience);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.shutdownNow();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
