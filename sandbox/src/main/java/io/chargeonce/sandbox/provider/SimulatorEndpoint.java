package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.sandbox.ProviderStats;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's own API: {@code GET /v1/ledger} (the ground truth: {@code charges}, {@code refunds}
 * made, {@code stats}), {@code GET /v1/sim/stats},
 * {@code GET|PUT /v1/sim/faults} and {@code POST /v1/sim/reset}.
 */
public final class SimulatorEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorEndpoint.class);

    private final ProviderState state;

    public SimulatorEndpoint(ProviderState state) {
        this.state = state;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            switch (route) {
                case "GET /v1/ledger" -> {
                    Exchanges.drain(exchange);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("charges", ChargeJson.ledger(state.ledger()));
                    body.put("refunds", RefundJson.ledger(state.refundLedger()));
                    body.put("stats", stats(state.stats()));
                    Exchanges.send(exchange, 200, body);
                }
                case "GET /v1/sim/stats" -> {
                    Exchanges.drain(exchange);
                    Exchanges.send(exchange, 200, stats(state.stats()));
                }
                case "GET /v1/sim/faults" -> {
                    Exchanges.drain(exchange);
                    Exchanges.send(exchange, 200, faults(state.faults()));
                }
                case "PUT /v1/sim/faults" -> putFaults(exchange);
                case "POST /v1/sim/reset" -> {
                    Exchanges.drain(exchange);
                    state.reset();
                    LOG.info("provider simulator reset");
                    Exchanges.send(exchange, 200, Map.of("reset", true));
                }
                default -> {
                    Exchanges.drain(exchange);
                    Exchanges.sendError(exchange, 404, "invalid_request_error", null, "Unrecognized request URL: " + route);
                }
            }
        }
    }

    private void putFaults(HttpExchange exchange) throws IOException {
        ProviderFaults faults;
        try {
            faults = parseFaults(Exchanges.readJson(exchange));
        } catch (IllegalArgumentException e) {
            Exchanges.sendError(exchange, 400, "invalid_request_error", "parameter_invalid", e.getMessage());
            return;
        }
        state.setFaults(faults);
        LOG.info("provider faults set to {}", faults);
        Exchanges.send(exchange, 200, faults(faults));
    }

    /** Fields left out keep their no-fault value, so {@code {"declineRate":0.5}} is a complete request. */
    static ProviderFaults parseFaults(JsonNode body) {
        if (!body.isObject()) {
            throw new IllegalArgumentException("faults must be a JSON object");
        }
        ProviderFaults none = ProviderFaults.none();
        return new ProviderFaults(
                longField(body, "latencyMs", none.latencyMs()),
                longField(body, "latencyJitterMs", none.latencyJitterMs()),
                rateField(body, "declineRate"),
                rateField(body, "serverErrorRate"),
                rateField(body, "dropResponseRate"),
                longField(body, "seed", none.seed()));
    }

    private static long longField(JsonNode body, String name, long fallback) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToExactIntegral()) {
            throw new IllegalArgumentException(name + " must be an integer");
        }
        return node.asLong();
    }

    private static double rateField(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return 0.0;
        }
        if (!node.isNumber()) {
            throw new IllegalArgumentException(name + " must be a number between 0.0 and 1.0");
        }
        return node.asDouble();
    }

    static Map<String, Object> faults(ProviderFaults faults) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("latencyMs", faults.latencyMs());
        json.put("latencyJitterMs", faults.latencyJitterMs());
        json.put("declineRate", faults.declineRate());
        json.put("serverErrorRate", faults.serverErrorRate());
        json.put("dropResponseRate", faults.dropResponseRate());
        json.put("seed", faults.seed());
        return json;
    }

    static Map<String, Object> stats(ProviderStats stats) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", stats.requests());
        json.put("charges", stats.charges());
        json.put("declines", stats.declines());
        json.put("replays", stats.replays());
        json.put("conflicts", stats.conflicts());
        json.put("idempotencyErrors", stats.idempotencyErrors());
        json.put("serverErrors", stats.serverErrors());
        json.put("droppedResponses", stats.droppedResponses());
        json.put("inFlight", stats.inFlight());
        json.put("refunds", stats.refunds());
        json.put("refundRefusals", stats.refundRefusals());
        return json;
    }
}
