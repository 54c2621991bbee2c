package io.chargeonce.sandbox.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.chargeonce.sandbox.ProviderCharge;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/charges} and {@code GET /v1/charges?idempotency_key=K}, with Stripe's idempotency
 * rules: the first request under a key decides, later ones with the same parameters get its answer
 * replayed ({@code Idempotent-Replayed: true}), with other parameters a 400, and while the first is
 * still deciding a 409.
 */
public final class ChargeEndpoint implements HttpHandler {

    /** Customers whose id starts with this are always declined. */
    public static final String DECLINED_CUSTOMER_PREFIX = "cus_decline";
    static final String PATH = "/v1/charges";
    private static final Logger LOG = LoggerFactory.getLogger(ChargeEndpoint.class);

    private final ProviderState state;
    private final ChargeBook book;
    private final FaultDice dice;
    private final Counters counters;
    private final Clock clock;
    private final RandomGenerator ids;

    /** {@code ids} generates charge ids; seeded, so a run's ids are reproducible. */
    public ChargeEndpoint(ProviderState state, Clock clock, RandomGenerator ids) {
        this.state = state;
        this.book = state.book();
        this.dice = state.dice();
        this.counters = state.counters();
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                Exchanges.drain(exchange);
                Exchanges.sendError(exchange, 404, "invalid_request_error", null, "Unrecognized request URL");
            } else if (exchange.getRequestMethod().equals("POST")) {
                charge(exchange);
            } else if (exchange.getRequestMethod().equals("GET")) {
                list(exchange);
            } else {
                Exchanges.drain(exchange);
                Exchanges.sendError(exchange, 405, "invalid_request_error", null, "Use POST or GET");
            }
        }
    }

    private void charge(HttpExchange exchange) throws IOException {
        counters.requests.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) {
            Exchanges.drain(exchange);
            Exchanges.sendError(exchange, 400, "invalid_request_error", "idempotency_key_missing",
                    "An Idempotency-Key header is required for charges.");
            return;
        }
        ChargeRequest request;
        try {
            request = ChargeRequest.fromJson(Exchanges.readJson(exchange));
        } catch (IllegalArgumentException e) {
            Exchanges.sendError(exchange, 400, "invalid_request_error", "parameter_invalid", e.getMessage());
            return;
        }
        String refusal = state.rejectionCode();
        if (refusal != null) {
            // An account-level refusal (e.g. not activated): the request itself is refused, nothing is stored
            // under the key, so the same key succeeds once the refusal is lifted.
            LOG.debug("charge key {} refused: {}", key, refusal);
            Exchanges.sendError(exchange, 400, "invalid_request_error", refusal, "Charges are refused: " + refusal + ".");
            return;
        }
        switch (book.claim(key, request)) {
            case ChargeBook.Busy busy -> {
                counters.conflicts.incrementAndGet();
                LOG.debug("charge key {} is in flight: 409", key);
                Exchanges.sendError(exchange, 409, "idempotency_error", "idempotency_key_in_use",
                        "There is currently another in-progress request using this Idempotency-Key.");
            }
            case ChargeBook.Mismatch mismatch -> {
                counters.idempotencyErrors.incrementAndGet();
                LOG.debug("charge key {} reused with other parameters: 400", key);
                Exchanges.sendError(exchange, 400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with.");
            }
            case ChargeBook.Replay replay -> {
                counters.replays.incrementAndGet();
                LOG.debug("charge key {} replayed: {} {}", key, replay.answer().status(), replay.answer().charge().id());
                Exchanges.sendBytes(exchange, replay.answer().status(), replay.answer().body(), true);
            }
            case ChargeBook.Won won -> decide(exchange, key, request, won.slot());
        }
    }

    private void decide(HttpExchange exchange, String key, ChargeRequest request, ChargeBook.InFlight slot)
            throws IOException {
        FaultDice.Roll roll = dice.roll();
        ChargeBook.Settled answer;
        try {
            dice.awaitLatency(roll);
            if (roll.serverError()) {
                book.release(key, slot);
                counters.serverErrors.incrementAndGet();
                int status = roll.unavailable() ? 503 : 500;
                LOG.debug("charge key {} failed with injected {} (nothing charged)", key, status);
                Exchanges.sendError(exchange, status, "api_error", null,
                        "An error occurred with our connection to the payment processor. Retry with the same key.");
                return;
            }
            answer = settle(key, request, slot, roll);
        } catch (InterruptedException e) {
            book.release(key, slot);
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            book.release(key, slot);
            throw e;
        }
        if (roll.dropResponse()) {
            counters.droppedResponses.incrementAndGet();
            LOG.debug("charge {} for key {} made; dropping the response", answer.charge().id(), key);
            // Closing the exchange before any response headers makes the JDK server close the connection.
            return;
        }
        Exchanges.sendBytes(exchange, answer.status(), answer.body(), false);
    }

    private ChargeBook.Settled settle(String key, ChargeRequest request, ChargeBook.InFlight slot, FaultDice.Roll roll) {
        String declineCode = declineCode(request, roll);
        boolean declined = declineCode != null;
        ProviderCharge charge = new ProviderCharge(newChargeId(), key, request.paymentId(), request.amount(),
                request.currency(), request.customer(), declined ? ProviderCharge.FAILED : ProviderCharge.SUCCEEDED,
                clock.instant());
        Object body = declined ? ChargeJson.declineError(charge, declineCode)
                : ChargeJson.chargeObject(charge, request, null);
        ChargeBook.Settled answer = new ChargeBook.Settled(request, declined ? 402 : 200, Exchanges.toJson(body), charge,
                declineCode);
        if (book.settle(key, slot, answer)) {
            counters.charges.incrementAndGet();
            if (declined) {
                counters.declines.incrementAndGet();
            }
        }
        LOG.debug("charge {} for payment {} key {}: {}", charge.id(), charge.paymentId(), key,
                declined ? "declined (" + declineCode + ")" : "succeeded");
        return answer;
    }

    /** Null if the charge goes through; {@code cus_decline_insufficient_funds} declines with that code. */
    private static String declineCode(ChargeRequest request, FaultDice.Roll roll) {
        String customer = request.customer();
        if (customer.startsWith(DECLINED_CUSTOMER_PREFIX)) {
            String rest = customer.substring(DECLINED_CUSTOMER_PREFIX.length());
            return rest.startsWith("_") && rest.length() > 1 ? rest.substring(1) : "generic_decline";
        }
        return roll.decline() ? "generic_decline" : null;
    }

    private String newChargeId() {
        synchronized (ids) {
            return "ch_" + Long.toHexString(ids.nextLong() | Long.MIN_VALUE) + Long.toHexString(ids.nextLong() | Long.MIN_VALUE);
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        Exchanges.drain(exchange);
        String key = Exchanges.queryParam(exchange, "idempotency_key");
        if (key == null || key.isBlank()) {
            Exchanges.sendError(exchange, 400, "invalid_request_error", "parameter_missing",
                    "idempotency_key is required");
            return;
        }
        List<Map<String, Object>> data = book.settled(key)
                .map(settled -> List.of(ChargeJson.chargeObject(settled.charge(), settled.request(), settled.declineCode())))
                .orElse(List.of());
        Exchanges.send(exchange, 200, Map.of("object", "list", "data", data, "has_more", false, "url", PATH));
    }
}
