package io.chargeonce.processor.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link PaymentGateway} over the Stripe-like HTTP API ({@code POST /v1/charges} with an
 * {@code Idempotency-Key} header, {@code GET /v1/charges?idempotency_key=}; refunds the same way on
 * {@code /v1/refunds}, mapped by {@link RefundResponses}). Every call is
 * {@link HttpClient#sendAsync asynchronous} and bounded by the provider timeout.
 *
 * <p>The mapping leans towards {@link ChargeOutcome.Unknown}: anything short of a parsed answer
 * (dropped connection, timeout, 5xx, 429, 409 while the key is in flight, an unreadable body)
 * means "we don't know whether money moved", which reconciliation resolves by key. Only a 402 is
 * a decline and only other 4xx answers are rejections, because those are the provider's own words.
 *
 * <p>A call made with the payment's {@code traceparent} sends a child of it ({@link TraceContext});
 * span ids come from {@link ThreadLocalRandom}, which is safe on every stream thread at once.
 */
public final class HttpPaymentGateway implements PaymentGateway, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpPaymentGateway.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    public HttpPaymentGateway(URI baseUrl, Duration timeout) {
        this(baseUrl, timeout, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build());
    }

    public HttpPaymentGateway(URI baseUrl, Duration timeout, HttpClient http) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public CompletableFuture<ChargeOutcome> charge(ChargeCommand command) {
        return charge(command, null);
    }

    @Override
    public CompletableFuture<ChargeOutcome> charge(ChargeCommand command, String traceparent) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve("/v1/charges"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", command.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(chargeBody(command)));
        HttpRequest request = traced(builder, traceparent).build();
        return send(request, command.idempotencyKey(), "charge")
                .thenApply(response -> chargeOutcome(response, command.idempotencyKey()))
                .exceptionally(error -> unknown(error, command.idempotencyKey(), "charge"));
    }

    @Override
    public CompletableFuture<ChargeOutcome> lookup(String idempotencyKey) {
        return lookup(idempotencyKey, null);
    }

    @Override
    public CompletableFuture<ChargeOutcome> lookup(String idempotencyKey, String traceparent) {
        URI uri = baseUrl.resolve("/v1/charges?idempotency_key=" + URLEncoder.encode(idempotencyKey, StandardCharsets.UTF_8));
        HttpRequest request = traced(HttpRequest.newBuilder(uri).timeout(timeout).GET(), traceparent).build();
        return send(request, idempotencyKey, "lookup")
                .thenApply(response -> lookupOutcome(response, idempotencyKey))
                .exceptionally(error -> unknown(error, idempotencyKey, "lookup"));
    }

    @Override
    public CompletableFuture<RefundOutcome> refund(RefundCommand command, String traceparent) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve("/v1/refunds"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", command.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(RefundResponses.body(command)));
        return send(traced(builder, traceparent).build(), command.idempotencyKey(), "refund")
                .thenApply(response -> logged(RefundResponses.refundOutcome(response), command.idempotencyKey(), "refund"))
                .exceptionally(error -> new RefundOutcome.Unknown(unknownReason(error, command.idempotencyKey(), "refund")));
    }

    @Override
    public CompletableFuture<RefundOutcome> lookupRefund(String idempotencyKey, String traceparent) {
        URI uri = baseUrl.resolve("/v1/refunds?idempotency_key=" + URLEncoder.encode(idempotencyKey, StandardCharsets.UTF_8));
        HttpRequest request = traced(HttpRequest.newBuilder(uri).timeout(timeout).GET(), traceparent).build();
        return send(request, idempotencyKey, "refund lookup")
                .thenApply(response -> logged(RefundResponses.lookupOutcome(response), idempotencyKey, "refund lookup"))
                .exceptionally(error -> new RefundOutcome.Unknown(unknownReason(error, idempotencyKey, "refund lookup")));
    }

    private static RefundOutcome logged(RefundOutcome outcome, String key, String call) {
        switch (outcome) {
            case RefundOutcome.Rejected rejected -> log.warn("provider {} for key {} rejected ({})", call, key, rejected.code());
            case RefundOutcome.Unknown unknown -> log.info("provider {} for key {}: outcome unknown ({})", call, key, unknown.reason());
            default -> { }
        }
        return outcome;
    }

    private static HttpRequest.Builder traced(HttpRequest.Builder builder, String traceparent) {
        TraceContext.childOf(traceparent, ThreadLocalRandom.current())
                .ifPresent(child -> builder.header(TraceContext.HEADER, child));
        return builder;
    }

    /** Aborts calls in flight: their outcomes would be dropped anyway, the ledger re-drives them. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    private CompletableFuture<HttpResponse<String>> send(HttpRequest request, String key, String call) {
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            // sendAsync throws synchronously when the client is shut down; still an unknown outcome.
            log.warn("provider {} for key {} could not be sent: {}", call, key, e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String chargeBody(ChargeCommand command) {
        ObjectNode body = JSON.createObjectNode()
                .put("amount", command.amountMinor())
                .put("currency", command.currency().toLowerCase(Locale.ROOT))
                .put("customer", command.customerId());
        body.putObject("metadata")
                .put("payment_id", command.paymentId())
                .put("merchant_id", command.merchantId());
        return body.toString();
    }

    private static ChargeOutcome chargeOutcome(HttpResponse<String> response, String key) {
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            JsonNode charge = parse(response.body());
            String chargeId = charge == null ? null : charge.path("id").asText(null);
            if (chargeId == null) {
                return new ChargeOutcome.Unknown("provider answered " + status + " without a charge id");
            }
            return fromCharge(charge);
        }
        if (status == 402) {
            JsonNode error = errorOf(response.body());
            return new ChargeOutcome.Declined(
                    firstText(error, "card_declined", "decline_code", "code"),
                    firstText(error, "card declined", "message"));
        }
        return failure(response, key, "charge");
    }

    private static ChargeOutcome lookupOutcome(HttpResponse<String> response, String key) {
        if (response.statusCode() != 200) {
            return failure(response, key, "lookup");
        }
        JsonNode list = parse(response.body());
        if (list == null || !list.path("data").isArray()) {
            return new ChargeOutcome.Unknown("provider lookup answered 200 without a charge list");
        }
        if (list.path("data").isEmpty()) {
            return new ChargeOutcome.NotFound();
        }
        return fromCharge(list.path("data").get(0));
    }

    /** A charge object as stored by the provider: succeeded, failed (a decline) or still in flight. */
    private static ChargeOutcome fromCharge(JsonNode charge) {
        String status = charge.path("status").asText("");
        return switch (status) {
            case "succeeded" -> new ChargeOutcome.Succeeded(charge.path("id").asText());
            case "failed" -> new ChargeOutcome.Declined(declineCode(charge),
                    firstText(charge, "card declined", "failure_message", "message"));
            default -> new ChargeOutcome.Unknown("provider charge " + charge.path("id").asText("?") + " is '" + status + "'");
        };
    }

    /** Stripe puts the specific reason in outcome.reason and a generic "card_declined" in failure_code. */
    private static String declineCode(JsonNode charge) {
        String reason = charge.path("outcome").path("reason").asText("");
        return reason.isBlank() || reason.equals("none") ? firstText(charge, "card_declined", "failure_code") : reason;
    }

    private static ChargeOutcome failure(HttpResponse<String> response, String key, String call) {
        int status = response.statusCode();
        if (status >= 500 || status == 409 || status == 429) {
            // 409: the first call with this key is still running at the provider; 429: rate limited.
            log.info("provider {} for key {} answered {}: outcome unknown", call, key, status);
            return new ChargeOutcome.Unknown("provider answered " + status);
        }
        JsonNode error = errorOf(response.body());
        String code = firstText(error, "http_" + status, "code", "type");
        log.warn("provider {} for key {} rejected with {} ({})", call, key, status, code);
        return new ChargeOutcome.Rejected(code, firstText(error, "provider answered " + status, "message"));
    }

    private static ChargeOutcome unknown(Throwable error, String key, String call) {
        return new ChargeOutcome.Unknown(unknownReason(error, key, call));
    }

    private static String unknownReason(Throwable error, String key, String call) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = switch (cause) {
            case HttpTimeoutException timeout -> "no answer from the provider in time";
            case IOException io -> "connection to the provider failed: " + io.getClass().getSimpleName();
            default -> "provider call failed: " + cause.getClass().getSimpleName();
        };
        log.info("provider {} for key {}: {}", call, key, reason);
        return reason;
    }

    static JsonNode errorOf(String body) {
        JsonNode parsed = parse(body);
        return parsed == null ? JSON.createObjectNode() : parsed.path("error");
    }

    static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String firstText(JsonNode node, String fallback, String... fields) {
        for (String field : fields) {
            String value = node.path(field).asText(null);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return fallback;
    }
}
