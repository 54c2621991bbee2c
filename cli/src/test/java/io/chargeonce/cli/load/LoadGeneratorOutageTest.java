package io.chargeonce.cli.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Our own client's behaviour through an outage, against a tiny HTTP server this test controls (not
 * payment-api: what is tested is the generator's retrying, not the API's idempotency). The server
 * is absent at first (connection refused), then answers 503 three times, then serves payments with
 * payment-api's idempotency contract.
 *
 * <p>Expected: every payment is accepted, each under the one Idempotency-Key it started with; the
 * refused connections and the 503s are recorded per payment; the stub saw no key it was not planned.
 */
class LoadGeneratorOutageTest {

    private HttpServer server;
    private LoadRun run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void retriesTheSameKeyThroughRefusedConnectionsAnd503sUntilAccepted() throws Exception {
        int port = freePort();
        run = new LoadGenerator(Clock.systemUTC()).start(LoadPlan.builder("http://127.0.0.1:" + port, List.of("sk_stub"))
                .payments(6).clients(3).duplicateRatio(0).seed(9)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .statusPolling(LoadPlan.StatusPolling.everyPayment())
                .build());

        // nothing listens yet: the apps see refused connections and keep trying
        await().atMost(Duration.ofSeconds(20)).until(() -> run.progress().transportErrors() >= 6);
        assertThat(run.progress().accepted()).isZero();

        StubApi stub = new StubApi(3);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/payments", stub::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();

        assertThat(run.awaitFinished(Duration.ofSeconds(30))).as("run finished").isTrue();
        List<PaymentOutcome> outcomes = run.results();

        assertThat(outcomes).hasSize(6).allSatisfy(o -> {
            assertThat(o.accepted()).as("payment %d accepted", o.spec().index()).isTrue();
            assertThat(o.otherPaymentIds()).isEmpty();
            // every POST that reached the server carried this payment's one key
            assertThat(stub.postsPerKey.get(o.idempotencyKey()).get()).isEqualTo(o.posts() - o.transportErrors());
            assertThat(stub.paymentIdPerKey.get(o.idempotencyKey())).isEqualTo(o.paymentId());
            assertThat(o.finalStatus()).isEqualTo("CONFIRMED");
            assertThat(o.finalStatusSeenAt()).isAfterOrEqualTo(o.acceptedAt());
        });
        assertThat(stub.postsPerKey.keySet())
                .containsExactlyInAnyOrderElementsOf(outcomes.stream().map(PaymentOutcome::idempotencyKey).toList());
        assertThat(outcomes.stream().mapToInt(PaymentOutcome::transportErrors).sum()).isGreaterThanOrEqualTo(6);
        assertThat(outcomes.stream().mapToInt(PaymentOutcome::serverErrors).sum()).isEqualTo(3);
        assertThat(run.progress().gaveUp()).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** payment-api's contract in miniature: first POST per key creates, later ones replay; GET says CONFIRMED. */
    private static final class StubApi {
        final Map<String, AtomicInteger> postsPerKey = new ConcurrentHashMap<>();
        final Map<String, String> paymentIdPerKey = new ConcurrentHashMap<>();
        final AtomicInteger unavailableLeft;

        StubApi(int unavailable) {
            this.unavailableLeft = new AtomicInteger(unavailable);
        }

        void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if ("GET".equals(exchange.getRequestMethod())) {
                    String id = exchange.getRequestURI().getPath().substring("/payments/".length());
                    send(exchange, 200, "{\"paymentId\":\"" + id + "\",\"status\":\"CONFIRMED\"}");
                    return;
                }
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                postsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (unavailableLeft.getAndDecrement() > 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    send(exchange, 503, "{\"error\":{\"code\":\"service_unavailable\"}}");
                    return;
                }
                boolean[] created = new boolean[1];
                String id = paymentIdPerKey.computeIfAbsent(key, k -> {
                    created[0] = true;
                    return UUID.randomUUID().toString();
                });
                if (!created[0]) {
                    exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
                }
                send(exchange, 202, "{\"paymentId\":\"" + id + "\",\"status\":\"PENDING\"}");
            }
        }

        private static void send(HttpExchange exchange, int status, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
