package io.chargeonce.cli.service;

import io.chargeonce.relay.OutboxRelay;
import io.chargeonce.relay.RelayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox relay from {@code CHARGEONCE_RELAY_*}. It restarts its own engine when Postgres or
 * Kafka go away (see {@link OutboxRelay}), so the process stays up through their restarts. With
 * {@value ManagementServer#PORT_ENV} set it serves metrics and health there, and its READY line
 * ends with {@code management <port>}.
 */
final class RelayService implements RunningService {

    private final OutboxRelay relay;
    private final Optional<ManagementServer> management;

    private RelayService(OutboxRelay relay, Optional<ManagementServer> management) {
        this.relay = relay;
        this.management = management;
    }

    static RelayService start(Map<String, String> env) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OutboxRelay relay = new OutboxRelay(RelayConfig.fromEnvironment(env), meters, Clock.systemUTC());
        relay.start();
        try {
            return new RelayService(relay, ManagementServer.fromEnvironment(env, meters,
                    Map.of("relay", ServiceHealth.relay(relay))));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    @Override
    public String readyDetail() {
        return relay.config().slotName() + management.map(m -> " management " + m.port()).orElse("");
    }

    @Override
    public void close() {
        management.ifPresent(ManagementServer::close);
        relay.close();
    }
}
