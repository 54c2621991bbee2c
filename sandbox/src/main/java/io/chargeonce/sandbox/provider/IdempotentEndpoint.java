package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The road every money-moving request takes at the simulated provider ({@code POST /v1/charges},
 * {@code POST /v1/refunds}) and its lookup by key ({@code GET ...?idempotency_key=K}), with Stripe's
 * idempotency rules: the first request under a key decides, later ones with the same parameters get
 * its answer replayed ({@code Idempotent-Replayed: true}), with other parameters a 400
 * {@code idempotency_error}, and while the first is still deciding a 409.
 *
 * <p>Faults come from the one {@link FaultDice}: latency while the key is held, a 500/503 that
 * releases the key (nothing decided, a retry may go through), or the connection closed after the
 * answer was decided and stored. An account-level refusal ({@link ProviderState#rejectionCode()})
 * refuses the request before its key is claimed. Subclasses only parse and decide.
 */
abstract class IdempotentEndpoint<Q, A> implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotentEndpoint.class);

    private final String path;
    private final String noun;
    private final ProviderState state;
    private final IdempotencyBook<Q, A> book;
    private final FaultDice dice;
    final Counters counters;

    /** {@code noun} names the request in answers and logs ("charge", "refund"). */
    IdempotentEndpoint(String path, String noun, ProviderState state, IdempotencyBook<Q, A> book) {
        this.path = path;
        this.noun = noun;
        this.state = state;
        this.book = book;
        this.dice = state.dice();
        this.counters = state.counters();
    }

    /** Parses a body; throws {@link IllegalArgumentException} with a client-facing message. */
    abstract Q parse(JsonNode body);

    /**
     * Decides the request that won its key, settles the key in {@code book} and returns the answer
     * (also when a reset cleared the key meanwhile: the client still gets it).
     */
    abstract IdempotencyBook.Settled<Q, A> decide(String key, Q request, IdempotencyBook.InFlight<Q, A> slot,
            FaultDice.Roll roll);

    /** The object a lookup by key lists for a settled answer. */
    abstract Map<String, Object> lookupObject(IdempotencyBook.Settled<Q, A> settled);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                Exchanges.drain(exchange);
                Exchanges.sendError(exchange, 404, "invalid_request_error", null, "Unrecognized request URL");
            } else if (exchange.getRequestMethod().equals("POST")) {
                post(exchange);
            } else if (exchange.getRequestMethod().equals("GET")) {
                list(exchange);
            } else {
                Exchanges.drain(exchange);
                Exchanges.sendError(exchange, 405, "invalid_request_error", null, "Use POST or GET");
            }
        }
    }

    private void post(HttpExchange exchange) throws IOException {
        counters.requests.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) {
            Exchanges.drain(exchange);
            Exchanges.sendError(exchange, 400, "invalid_request_error", "idempotency_key_missing",
                    "An Idempotency-Key header is required for " + noun + "s.");
            return;
        }
        Q request;
        try {
            request = parse(Exchanges.readJson(exchange));
        } catch (IllegalArgumentException e) {
            Exchanges.sendError(exchange, 400, "invalid_request_error", "parameter_invalid", e.getMessage());
            return;
        }
        String refusal = state.rejectionCode();
        if (refusal != null) {
            // An account-level refusal (e.g. not activated): the request itself is refused, nothing is stored
            // under the key, so the same key succeeds once the refusal is lifted.
            LOG.debug("{} key {} refused: {}", noun, key, refusal);
            Exchanges.sendError(exchange, 400, "invalid_request_error", refusal,
                    Character.toUpperCase(noun.charAt(0)) + noun.substring(1) + "s are refused: " + refusal + ".");
            return;
        }
        switch (book.claim(key, request)) {
            case IdempotencyBook.Busy<Q, A> busy -> {
                counters.conflicts.incrementAndGet();
                LOG.debug("{} key {} is in flight: 409", noun, key);
                Exchanges.sendError(exchange, 409, "idempotency_error", "idempotency_key_in_use",
                        "There is currently another in-progress request using this Idempotency-Key.");
            }
            case IdempotencyBook.Mismatch<Q, A> mismatch -> {
                counters.idempotencyErrors.incrementAndGet();
                LOG.debug("{} key {} reused with other parameters: 400", noun, key);
                Exchanges.sendError(exchange, 400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with.");
            }
            case IdempotencyBook.Replay<Q, A> replay -> {
                counters.replays.incrementAndGet();
                LOG.debug("{} key {} replayed: {}", noun, key, replay.answer().status());
                Exchanges.sendBytes(exchange, replay.answer().status(), replay.answer().body(), true);
            }
            case IdempotencyBook.Won<Q, A> won -> rollAndDecide(exchange, key, request, won.slot());
        }
    }

    private void rollAndDecide(HttpExchange exchange, String key, Q request, IdempotencyBook.InFlight<Q, A> slot)
            throws IOException {
        FaultDice.Roll roll = dice.roll();
        IdempotencyBook.Settled<Q, A> answer;
        try {
            dice.awaitLatency(roll);
            if (roll.serverError()) {
                book.release(key, slot);
                counters.serverErrors.incrementAndGet();
                int status = roll.unavailable() ? 503 : 500;
                LOG.debug("{} key {} failed with injected {} (nothing decided)", noun, key, status);
                Exchanges.sendError(exchange, status, "api_error", null,
                        "An error occurred with our connection to the payment processor. Retry with the same key.");
                return;
            }
            answer = decide(key, request, slot, roll);
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
            LOG.debug("{} key {} decided ({}); dropping the response", noun, key, answer.status());
            // Closing the exchange before any response headers makes the JDK server close the connection.
            return;
        }
        Exchanges.sendBytes(exchange, answer.status(), answer.body(), false);
    }

    private void list(HttpExchange exchange) throws IOException {
        Exchanges.drain(exchange);
        String key = Exchanges.queryParam(exchange, "idempotency_key");
        if (key == null || key.isBlank()) {
            Exchanges.sendError(exchange, 400, "invalid_request_error", "parameter_missing",
                    "idempotency_key is required");
            return;
        }
        List<Map<String, Object>> data = book.settled(key).map(this::lookupObject).map(List::of).orElse(List.of());
        Exchanges.send(exchange, 200, Map.of("object", "list", "data", data, "has_more", false, "url", path));
    }
}
