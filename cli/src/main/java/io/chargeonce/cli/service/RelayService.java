package io.chargeonce.cli.service;

import io.chargeonce.relay.OutboxRelay;
import io.chargeonce.relay.RelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.util.Map;

/**
 * The outbox relay from {@code CHARGEONCE_RELAY_*}. It restarts its own engine when Postgres or
 * Kafka go away (see {@link OutboxRelay}), so the process stays up through their restarts.
 */
final class RelayService implements RunningService {

    private final OutboxRelay relay;

    private RelayService(OutboxRelay relay) {
        this.relay = relay;
    }

    static RelayService start(Map<String, String> env) {
        OutboxRelay relay = new OutboxRelay(RelayConfig.fromEnvironment(env), new SimpleMeterRegistry(), Clock.systemUTC());
        relay.start();
        return new RelayService(relay);
    }

    @Override
    public String readyDetail() {
        return relay.config().slotName();
    }

    @Override
    public void close() {
        relay.close();
    }
}
