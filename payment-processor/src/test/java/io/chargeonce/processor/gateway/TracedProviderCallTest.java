package io.chargeonce.processor.gateway;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider call carries the payment's trace as a child span. A recording HTTP server stands in
 * for the provider here because the sandbox's simulator does not keep request headers; what it
 * answers is a plain succeeded charge.
 */
class TracedProviderCallTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final List<String> traceparents = new CopyOnWriteArrayList<>();
    private HttpServer provider;
    private HttpPaymentGateway gateway;

    @BeforeEach
    void start() throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/v1/charges", exchange -> {
            traceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            byte[] body = "{\"id\":\"ch_t1\",\"status\":\"succeeded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        provider.start();
        gateway = new HttpPaymentGateway(URI.create("http://127.0.0.1:" + provider.getAddress().getPort()),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        gateway.close();
        provider.stop(0);
    }

    @Test
    void chargeAndLookupSendAChildOfThePaymentsTraceparent() {
        ChargeCommand command = new ChargeCommand(IdempotencyKeys.forPayment("pay-t1"), "pay-t1", "m-1", "cus_t1", 700, "EUR");

        ChargeOutcome charged = gateway.charge(command, PARENT).orTimeout(30, TimeUnit.SECONDS).join();
        gateway.lookup(command.idempotencyKey(), PARENT).orTimeout(30, TimeUnit.SECONDS).join();
        gateway.charge(command).orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(charged).isEqualTo(new ChargeOutcome.Succeeded("ch_t1"));
        assertThat(traceparents).hasSize(3);
        assertThat(traceparents.subList(0, 2)).allSatisfy(sent -> assertThat(sent)
                .matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                .isNotEqualTo(PARENT));
        assertThat(traceparents.get(2)).as("an untraced call sends none").isEqualTo("null");
    }
}
