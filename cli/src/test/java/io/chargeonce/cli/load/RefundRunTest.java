package io.chargeonce.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refund load's own client behaviour against a tiny HTTP server this test controls (not
 * payment-api: what is tested is how merchants retry, resend and judge answers, not the API's
 * idempotency). The server keeps payment-api's refund contract in miniature: the first POST under a
 * key creates a refund, later ones replay its 202 byte for byte, and the first few POSTs get 503.
 *
 * <p>Expected: only payments the API shows CONFIRMED are refunded; every refund is accepted under
 * the one key it started with; a resent one reached the server at least twice with the same body;
 * two runs over one book never ask more of a payment than it was charged; no broken promise. A
 * server that replays another body, or refuses an amount that fits, is named as a broken promise.
 */
class RefundRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void refundsConfirmedPaymentsWithinTheirAmountsRetryingAndResendingUnderOneKey() throws Exception {
        StubApi stub = start(new StubApi(3, false));
        RefundBook book = new RefundBook();
        IntStream.range(0, 12).forEach(i -> book.add("pay-" + i, i % 2, 1_000 + i));
        stub.status.put("pay-0", "FAILED");
        stub.status.put("pay-1", "PENDING");

        for (int round = 0; round < 4; round++) {
            RefundPlan plan = new RefundPlan(url(), List.of("sk_a", "sk_b"), 0.5, 6, 0.35, 0.5, 0, 3, round, "run-" + round,
                    Duration.ofSeconds(20), Duration.ofMillis(10), Duration.ofMillis(50));
            try (RefundRun run = RefundRun.start(plan, book, Clock.systemUTC())) {
                assertThat(run.awaitFinished(Duration.ofSeconds(30))).as("round %d finished", round).isTrue();
                assertThat(run.brokenPromises()).isEmpty();
                assertThat(run.results()).isNotEmpty().allSatisfy(o -> {
                    assertThat(o.accepted()).as("refund %s accepted", o.spec().idempotencyKey()).isTrue();
                    assertThat(o.refundId()).isEqualTo(stub.refundIdPerKey.get(o.spec().idempotencyKey()));
                    List<String> bodies = stub.bodiesPerKey.get(o.spec().idempotencyKey());
                    assertThat(bodies).as("every POST of one refund carries one body").containsOnly(bodies.getFirst());
                    if (o.spec().resend()) {
                        assertThat(bodies).as("a resent refund reached the API twice under its key").hasSizeGreaterThanOrEqualTo(2);
                    }
                });
            }
        }
        assertThat(stub.serverErrorsLeft.get()).as("the 503s were met and retried").isNegative();
        assertThat(stub.refundedPerPayment).doesNotContainKeys("pay-0", "pay-1");
        assertThat(stub.refundedPerPayment).isNotEmpty().allSatisfy((payment, refunded) ->
                assertThat(refunded.get()).as("refunded of %s", payment).isLessThanOrEqualTo(1_000 + Integer.parseInt(payment.substring(4))));
        assertThat(stub.replays.get()).as("resends after a 202 were answered by replays").isPositive();
    }

    @Test
    void aReplayOfAnotherBodyAndARefusalOfAnAmountThatFitsAreBrokenPromises() throws Exception {
        StubApi stub = start(new StubApi(0, true));
        RefundBook book = new RefundBook();
        IntStream.range(0, 8).forEach(i -> book.add("pay-" + i, 0, 5_000));
        RefundPlan plan = new RefundPlan(url(), List.of("sk_a"), 1, 8, 0, 1, 0, 2, 3, "liar",
                Duration.ofSeconds(20), Duration.ofMillis(10), Duration.ofMillis(50));
        try (RefundRun run = RefundRun.start(plan, book, Clock.systemUTC())) {
            assertThat(run.awaitFinished(Duration.ofSeconds(30))).isTrue();
            assertThat(run.brokenPromises())
                    .anySatisfy(p -> assertThat(p).contains("differs from the first"))
                    .anySatisfy(p -> assertThat(p).contains("refused 422 refund_exceeds_payment"));
            assertThat(run.results()).filteredOn(RefundOutcome::refused).isNotEmpty()
                    .allSatisfy(o -> assertThat(o.refusedCode()).isEqualTo("refund_exceeds_payment"));
        }
    }

    private StubApi start(StubApi stub) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/payments", stub::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return stub;
    }

    private java.net.URI url() {
        return java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * payment-api's refund road in miniature. A lying stub ({@code lies}) replays a body other than the
     * first for every second POST under a key, and refuses every odd payment's refund as too large.
     */
    private static final class StubApi {
        final Map<String, String> status = new ConcurrentHashMap<>();
        final Map<String, List<String>> bodiesPerKey = new ConcurrentHashMap<>();
        final Map<String, String> refundIdPerKey = new ConcurrentHashMap<>();
        final Map<String, String> answerPerKey = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> refundedPerPayment = new ConcurrentHashMap<>();
        final AtomicInteger serverErrorsLeft;
        final AtomicInteger replays = new AtomicInteger();
        final boolean lies;

        StubApi(int serverErrors, boolean lies) {
            this.serverErrorsLeft = new AtomicInteger(serverErrors);
            this.lies = lies;
        }

        void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String[] path = exchange.getRequestURI().getPath().split("/");
                String paymentId = path[2];
                if ("GET".equals(exchange.getRequestMethod())) {
                    send(exchange, 200, "{\"paymentId\":\"" + paymentId + "\",\"status\":\""
                            + status.getOrDefault(paymentId, "CONFIRMED") + "\"}", false, null);
                    return;
                }
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                List<String> bodies = bodiesPerKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
                bodies.add(body);
                if (serverErrorsLeft.getAndDecrement() > 0) {
                    send(exchange, 503, "{\"error\":{\"code\":\"service_unavailable\"}}", false, null);
                    return;
                }
                if (lies && Integer.parseInt(paymentId.substring(4)) % 2 == 1) {
                    send(exchange, 422, "{\"error\":{\"code\":\"refund_exceeds_payment\"}}", false, null);
                    return;
                }
                synchronized (this) {
                    String answer = answerPerKey.get(key);
                    if (answer != null) {
                        replays.incrementAndGet();
                        send(exchange, 202, lies ? answer.replace("PENDING", "PENDING ") : answer, true, null);
                        return;
                    }
                    JsonNode request = JSON.readTree(body);
                    AtomicInteger refunded = refundedPerPayment.computeIfAbsent(paymentId, p -> new AtomicInteger());
                    long charged = lies ? 5_000 : 1_000 + Integer.parseInt(paymentId.substring(4));
                    long amount = request.has("amount") ? request.get("amount").asLong() : charged - refunded.get();
                    if (refunded.get() + amount > charged) {
                        send(exchange, 422, "{\"error\":{\"code\":\"refund_exceeds_payment\"}}", false, null);
                        return;
                    }
                    refunded.addAndGet((int) amount);
                    String refundId = UUID.randomUUID().toString();
                    refundIdPerKey.put(key, refundId);
                    answer = "{\"refundId\":\"" + refundId + "\",\"paymentId\":\"" + paymentId
                            + "\",\"status\":\"PENDING\",\"amount\":" + amount + ",\"currency\":\"EUR\"}";
                    answerPerKey.put(key, answer);
                    send(exchange, 202, answer, false, "/payments/" + paymentId + "/refunds/" + refundId);
                }
            }
        }

        private static void send(HttpExchange exchange, int status, String json, boolean replayed, String location)
                throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (replayed) {
                exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
            }
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
