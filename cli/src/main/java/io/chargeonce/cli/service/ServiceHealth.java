package io.chargeonce.cli.service;

import io.chargeonce.api.health.HealthCheck;
import io.chargeonce.processor.PaymentProcessor;
import io.chargeonce.relay.OutboxRelay;
import org.apache.kafka.streams.KafkaStreams;

/** The readiness checks of the relay and the processor, as their management endpoint asks them. */
public final class ServiceHealth {

    private ServiceHealth() {
    }

    /**
     * Ready while an engine streams. Between an engine's failure and its restart (Postgres or Kafka
     * away) it is not, with the last failure and the number of restarts so far: a relay that keeps
     * failing is visibly looping, not silently up.
     */
    public static HealthCheck relay(OutboxRelay relay) {
        return () -> {
            if (relay.isRunning()) {
                return null;
            }
            return relay.failure()
                    .map(f -> "engine not streaming, restart pending (" + relay.restarts() + " restarts so far); last failure: "
                            + (f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage()))
                    .orElse("engine not streaming (starting or stopped)");
        };
    }

    /** Ready only while Kafka Streams is RUNNING; REBALANCING (tasks moving, nothing processed) is not. */
    public static HealthCheck processor(PaymentProcessor processor) {
        return () -> {
            KafkaStreams.State state = processor.state();
            return state == KafkaStreams.State.RUNNING ? null : "Kafka Streams is " + state;
        };
    }
}
