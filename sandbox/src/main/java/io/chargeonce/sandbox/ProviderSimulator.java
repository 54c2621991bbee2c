package io.chargeonce.sandbox;

import com.sun.net.httpserver.HttpServer;
import io.chargeonce.sandbox.provider.ChargeEndpoint;
import io.chargeonce.sandbox.provider.ProviderState;
import io.chargeonce.sandbox.provider.RefundEndpoint;
import io.chargeonce.sandbox.provider.SimulatorEndpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGeneratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A payment provider that behaves like Stripe where chargeonce depends on it (idempotency keys,
 * declines, refunds and their refusals, replays) and misbehaves on request (latency, server errors,
 * dropped responses), with a ledger of every charge and refund it made: the ground truth for
 * "charged exactly once" and "refunded at most once, never more than was charged".
 *
 * <p>Each request runs on its own virtual thread, so injected latency never delays other requests.
 * HTTP API (shapes in the sandbox README):
 * <ul>
 *   <li>{@code POST /v1/charges}, {@code GET /v1/charges?idempotency_key=K}: charge, or look up the
 *       answer stored under K ({@code data} empty if nothing was decided under K);</li>
 *   <li>{@code POST /v1/refunds} {@code {"charge","amount"?,"metadata"}}, {@code GET /v1/refunds?idempotency_key=K}:
 *       refund (without {@code amount}: the whole unrefunded rest), or look up K; a definite refusal
 *       (404 {@code resource_missing}, 400 {@code charge_not_refundable}, {@code amount_too_large},
 *       {@code charge_already_refunded}) is stored under K like a decline and listed with
 *       {@code "status":"failed","failure_reason":code};</li>
 *   <li>{@code GET /v1/ledger}: {@code {"charges":[...],"refunds":[...],"stats":{...}}}, refunds MADE only;</li>
 *   <li>{@code GET|PUT /v1/sim/faults}, {@code GET /v1/sim/stats}, {@code POST /v1/sim/reset}.</li>
 * </ul>
 * Both POSTs take the same idempotency rules and the same fault dice (latency, 5xx with nothing
 * stored, answer dropped after the decision was stored); {@code declineRate} applies to charges only.
 */
public final class ProviderSimulator implements AutoCloseable {

    /** Seed of the charge-id and refund-id generators when none is given. */
    public static final long DEFAULT_ID_SEED = 42;
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSimulator.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ProviderState state;

    private ProviderSimulator(HttpServer server, ExecutorService executor, ProviderState state) {
        this.server = server;
        this.executor = executor;
        this.state = state;
    }

    /** Starts on {@code port} (0 = any free port) with the system clock. */
    public static ProviderSimulator start(int port) throws IOException {
        return start(port, Clock.systemUTC(), DEFAULT_ID_SEED);
    }

    /**
     * Starts on {@code port} (0 = any free port); {@code clock} stamps charges and refunds, {@code idSeed}
     * seeds their ids (refund ids from their own generator, so refunds never shift the charge-id sequence).
     */
    public static ProviderSimulator start(int port, Clock clock, long idSeed) throws IOException {
        ProviderState state = new ProviderState();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(Ports.loopback(), port), 128);
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " is in use", e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/v1/charges", new ChargeEndpoint(state, clock,
                RandomGeneratorFactory.of("L64X128MixRandom").create(idSeed)));
        server.createContext("/v1/refunds", new RefundEndpoint(state, clock,
                RandomGeneratorFactory.of("L64X128MixRandom").create(~idSeed)));
        SimulatorEndpoint simulator = new SimulatorEndpoint(state);
        server.createContext("/v1/ledger", simulator);
        server.createContext("/v1/sim/", simulator);
        server.createContext("/", simulator); // answers unknown paths with a Stripe-shaped 404
        server.start();
        return new ProviderSimulator(server, executor, state);
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8090}. */
    public String url() {
        return "http://" + Ports.LOOPBACK_HOST + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Applies at once, also to requests already waiting out latency (they stop waiting). */
    public void setFaults(ProviderFaults faults) {
        state.setFaults(faults);
        LOG.info("provider faults set to {}", faults);
    }

    /**
     * Refuses every charge and every refund with a 400 {@code invalid_request_error} carrying {@code code}
     * (a terminal rejection, as when an account is not activated) until called with null. Nothing is
     * stored under the refused keys, so a later request with the same key goes through.
     */
    public void refuseCharges(String code) {
        state.setRejectionCode(code);
        LOG.info("provider refuses charges: {}", code == null ? "no longer" : code);
    }

    public ProviderFaults faults() {
        return state.faults();
    }

    /** Every charge made since start or the last reset, in the order they were made. */
    public List<ProviderCharge> ledger() {
        return state.ledger();
    }

    /** Every refund made since start or the last reset, in the order they were made (refusals are not money: not listed). */
    public List<ProviderRefund> refunds() {
        return state.refundLedger();
    }

    public ProviderStats stats() {
        return state.stats();
    }

    /**
     * Clears the ledgers (charges and refunds), the idempotency keys, the counters and the faults. Requests in flight at that
     * moment finish but are forgotten; reset between tests, not during them.
     */
    public void reset() {
        state.reset();
    }

    @Override
    public void close() {
        state.dice().wakeAll();
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return url() + " (ledger " + url() + "/v1/ledger)";
    }
}
