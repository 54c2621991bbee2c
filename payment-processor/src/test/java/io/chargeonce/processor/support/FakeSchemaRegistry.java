package io.chargeonce.processor.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two Confluent registry calls the serde makes (register under a subject, fetch by id), served
 * in-process on a free port. For {@code TopologyTestDriver} tests only, which should not need a
 * broker-and-registry sandbox to check topology logic; integration tests use the sandbox's real
 * registry. {@code SchemaRegistryClient} is final, so the fake sits behind HTTP instead.
 */
public final class FakeSchemaRegistry implements AutoCloseable {
    private static final String BASE = "/apis/ccompat/v7";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final List<String> schemas = new CopyOnWriteArrayList<>();

    public FakeSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BASE, this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + BASE;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(BASE.length());
        try (exchange) {
            if (exchange.getRequestMethod().equals("POST") && path.matches("/subjects/[^/]+/versions")) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String schema = body.path("schema").asText();
                int id = idsBySchema.computeIfAbsent(schema, s -> {
                    synchronized (schemas) {
                        schemas.add(s);
                        return schemas.size();
                    }
                });
                respond(exchange, 200, JSON.createObjectNode().put("id", id).toString());
            } else if (exchange.getRequestMethod().equals("GET") && path.matches("/schemas/ids/\\d+")) {
                int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
                if (id < 1 || id > schemas.size()) {
                    respond(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema " + id + " not found\"}");
                } else {
                    respond(exchange, 200, JSON.createObjectNode().put("schema", schemas.get(id - 1)).toString());
                }
            } else {
                respond(exchange, 404, "{\"error_code\":404,\"message\":\"not served by the fake\"}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
