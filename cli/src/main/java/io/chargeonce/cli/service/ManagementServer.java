package io.chargeonce.cli.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chargeonce.api.health.HealthCheck;
import io.chargeonce.api.health.HealthReport;
import io.chargeonce.api.metrics.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's endpoints of a service without an HTTP server of its own (the relay, the
 * processor, or a whole in-process stack): {@code GET /metrics} (Prometheus text),
 * {@code GET /health/live} and {@code GET /health/ready} (200 or 503 with each check's reason), the
 * same paths and bodies as payment-api's. The JDK's HTTP server on one thread: probes and scrapes
 * are a few requests a second, and a separate port keeps them off the data path.
 */
public final class ManagementServer implements AutoCloseable {

    /** The port variable of {@code chargeonce service relay|processor}; 0 picks a free port, unset runs none. */
    public static final String PORT_ENV = "CHARGEONCE_MANAGEMENT_PORT";
    /** Where {@code up} and {@code demo} serve it: next to payment-api's 8080, clear of 8081/8090/9092/5433. */
    public static final int DEFAULT_STACK_PORT = 8079;

    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts one when {@value #PORT_ENV} is set. */
    static Optional<ManagementServer> fromEnvironment(Map<String, String> env, PrometheusMeterRegistry meters,
                                                      Map<String, HealthCheck> readiness) {
        String port = env.get(PORT_ENV);
        if (port == null || port.isBlank()) {
            return Optional.empty();
        }
        int number;
        try {
            number = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_ENV + " must be a port number (0 = any free port), not '" + port + "'");
        }
        return Optional.of(start("0.0.0.0", number, meters, readiness));
    }

    /**
     * @param readiness checked in order on every {@code /health/ready}; each must answer quickly
     */
    public static ManagementServer start(String host, int port, PrometheusMeterRegistry meters,
                                         Map<String, HealthCheck> readiness) {
        Objects.requireNonNull(meters, "meters");
        Map<String, HealthCheck> checks = new LinkedHashMap<>(readiness);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics and health on " + host + ":" + port, e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200, PrometheusText.CONTENT_TYPE,
                meters.scrape()));
        server.createContext("/health/live", exchange -> health(exchange, new HealthReport(Map.of())));
        server.createContext("/health/ready", exchange -> health(exchange, HealthReport.run(checks)));
        ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("chargeonce-management").daemon(true).factory());
        server.setExecutor(executor);
        server.start();
        log.info("metrics and health on {}:{} (/metrics, /health/live, /health/ready)", host,
                server.getAddress().getPort());
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, HealthReport report) throws IOException {
        respond(exchange, report.httpStatus(), "application/json", report.json());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            // an exact path only: /metrics/anything is not ours to answer
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
