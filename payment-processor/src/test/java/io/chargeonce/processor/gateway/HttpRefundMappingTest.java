package io.chargeonce.processor.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refund half of the HTTP adapter against a JDK HTTP server that answers what the provider
 * contract says it can ({@code POST /v1/refunds}, {@code GET /v1/refunds?idempotency_key=}): each
 * answer maps to the outcome the refund ledger needs, leaning towards Unknown. (The sandbox
 * simulator's /v1/refunds is built in parallel; this pins the mapping meanwhile.)
 */
class HttpRefundMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static HttpServer server;
    private static HttpPaymentGateway gateway;
    private static volatile int status;
    private static volatile String body;
    private static final List<Seen> seen = new CopyOnWriteArrayList<>();

    record Seen(String method, String uri, String idempotencyKey, String traceparent, String body) {
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/refunds", HttpRefundMappingTest::answer);
        server.start();
        gateway = new HttpPaymentGateway(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopServer() {
        gateway.close();
        server.stop(0);
    }

    @BeforeEach
    void reset() {
        seen.clear();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRequestHeaders().getFirst("traceparent"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void provider(int answerStatus, String answerBody) {
        status = answerStatus;
        body = answerBody;
    }

    private static RefundCommand command(String reason) {
        return new RefundCommand(IdempotencyKeys.forRefund("rf-1"), "rf-1", "pay-1", "merchant-7", "ch_1", 500, "USD", reason);
    }

    private static RefundOutcome await(CompletableFuture<RefundOutcome> call) {
        return call.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Test
    void refundPostsTheChargeAmountAndMetadataUnderTheRefundKeyAndSucceedsWithTheRefundId() throws IOException {
        provider(200, "{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":500,\"charge\":\"ch_1\",\"currency\":\"usd\","
                + "\"status\":\"succeeded\",\"created\":1700000000,\"metadata\":{}}");

        RefundOutcome outcome = await(gateway.refund(command("requested_by_customer"),
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

        assertThat(outcome).isEqualTo(new RefundOutcome.Succeeded("re_1"));
        Seen request = seen.getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.idempotencyKey()).isEqualTo("chargeonce-refund-rf-1");
        assertThat(request.traceparent()).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").doesNotContain("00f067aa0ba902b7");
        JsonNode sent = JSON.readTree(request.body());
        assertThat(sent.path("charge").asText()).isEqualTo("ch_1");
        assertThat(sent.path("amount").asLong()).isEqualTo(500);
        assertThat(sent.path("metadata").path("refund_id").asText()).isEqualTo("rf-1");
        assertThat(sent.path("metadata").path("payment_id").asText()).isEqualTo("pay-1");
        assertThat(sent.path("metadata").path("merchant_id").asText()).isEqualTo("merchant-7");
        assertThat(sent.path("metadata").path("reason").asText()).isEqualTo("requested_by_customer");
    }

    @Test
    void definiteRefusalsFailWithTheProvidersCode() {
        for (String code : List.of("charge_not_refundable", "amount_too_large", "charge_already_refunded")) {
            provider(400, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"" + code + "\",\"message\":\"no: " + code + "\"}}");
            assertThat(await(gateway.refund(command(null), null))).isEqualTo(new RefundOutcome.Refused(code, "no: " + code));
        }
        provider(404, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\",\"message\":\"No such charge\"}}");
        assertThat(await(gateway.refund(command(null), null))).isEqualTo(new RefundOutcome.Refused("resource_missing", "No such charge"));
    }

    @Test
    void idempotencyErrorAndOther4xxAreRejectionsForAPerson() {
        provider(400, "{\"error\":{\"type\":\"idempotency_error\",\"message\":\"Keys for idempotent requests can only be used with the same parameters\"}}");
        assertThat(await(gateway.refund(command(null), null))).isInstanceOfSatisfying(RefundOutcome.Rejected.class,
                rejected -> assertThat(rejected.code()).isEqualTo("idempotency_error"));

        provider(400, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"parameter_missing\",\"message\":\"Missing charge\"}}");
        assertThat(await(gateway.refund(command(null), null))).isEqualTo(new RefundOutcome.Rejected("parameter_missing", "Missing charge"));

        provider(401, "{\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key\"}}");
        assertThat(await(gateway.refund(command(null), null))).isEqualTo(new RefundOutcome.Rejected("authentication_error", "bad key"));
    }

    @Test
    void anythingShortOfAParsedAnswerIsUnknown() {
        for (int unsure : new int[]{500, 503, 409, 429}) {
            provider(unsure, "{\"error\":{\"type\":\"api_error\",\"message\":\"later\"}}");
            assertThat(await(gateway.refund(command(null), null))).isEqualTo(new RefundOutcome.Unknown("provider answered " + unsure));
        }
        provider(200, "not json");
        assertThat(await(gateway.refund(command(null), null))).isInstanceOf(RefundOutcome.Unknown.class);
        provider(200, "{\"object\":\"refund\",\"status\":\"succeeded\"}");
        assertThat(await(gateway.refund(command(null), null))).isInstanceOf(RefundOutcome.Unknown.class);
        provider(200, "{\"id\":\"re_2\",\"object\":\"refund\",\"status\":\"pending\"}");
        assertThat(await(gateway.refund(command(null), null))).isInstanceOf(RefundOutcome.Unknown.class);
    }

    @Test
    void lookupFindsTheRefundTheStoredRefusalOrNothing() {
        provider(200, "{\"object\":\"list\",\"data\":[{\"id\":\"re_3\",\"object\":\"refund\",\"status\":\"succeeded\"}],\"has_more\":false}");
        assertThat(await(gateway.lookupRefund("chargeonce-refund-rf-1", null))).isEqualTo(new RefundOutcome.Succeeded("re_3"));
        assertThat(seen.getLast().method()).isEqualTo("GET");
        assertThat(seen.getLast().uri()).isEqualTo("/v1/refunds?idempotency_key=chargeonce-refund-rf-1");

        provider(200, "{\"object\":\"list\",\"data\":[{\"id\":null,\"object\":\"refund\",\"status\":\"failed\","
                + "\"failure_reason\":\"amount_too_large\",\"failure_message\":\"too much\"}],\"has_more\":false}");
        assertThat(await(gateway.lookupRefund("chargeonce-refund-rf-1", null))).isEqualTo(new RefundOutcome.Refused("amount_too_large", "too much"));

        provider(200, "{\"object\":\"list\",\"data\":[],\"has_more\":false}");
        assertThat(await(gateway.lookupRefund("chargeonce-refund-rf-1", null))).isEqualTo(new RefundOutcome.NotFound());

        provider(503, "");
        assertThat(await(gateway.lookupRefund("chargeonce-refund-rf-1", null))).isEqualTo(new RefundOutcome.Unknown("provider answered 503"));
    }

    @Test
    void aProviderThatIsNotThereIsUnknown() {
        HttpPaymentGateway nowhere = new HttpPaymentGateway(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(2));
        try {
            assertThat(await(nowhere.refund(command(null), null))).isInstanceOfSatisfying(RefundOutcome.Unknown.class,
                    unknown -> assertThat(unknown.reason()).startsWith("connection to the provider failed"));
        } finally {
            nowhere.close();
        }
    }
}
