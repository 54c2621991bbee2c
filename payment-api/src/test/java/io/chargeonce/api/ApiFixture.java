package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGeneratorFactory;

/**
 * One payment-api per test class, on the shared sandbox: its own database, its own topic prefix
 * and consumer group, a free HTTP port, and two merchants.
 */
final class ApiFixture implements AutoCloseable {

    static final String KEY_A = "sk_test_merchant_a_0123456789abcdef";
    static final String KEY_B = "sk_test_merchant_b_0123456789abcdef";

    final DatabaseInfo database;
    final Topics topics;
    final PaymentApi api;
    final String merchantA;
    final String merchantB;
    final String statusGroup;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private ApiFixture(DatabaseInfo database, Topics topics, PaymentApi api, String statusGroup) {
        this.database = database;
        this.statusGroup = statusGroup;
        this.topics = topics;
        this.api = api;
        this.merchantA = api.merchants().provision("merchant-a", KEY_A);
        this.merchantB = api.merchants().provision("merchant-b", KEY_B);
    }

    static ApiFixture start(String name) {
        return start(name, Clock.systemUTC(), Duration.ofHours(24));
    }

    /** With the API's clock and idempotency key lifetime chosen by the test. */
    static ApiFixture start(String name, Clock clock, Duration idempotencyKeyTtl) {
        Sandbox sandbox = Sandbox.shared();
        DatabaseInfo database = sandbox.postgres().createDatabase(name);
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix(unique);
        createTopic(sandbox.kafka().bootstrapServers(), topics.paymentStatus().name());
        ApiConfig config = ApiConfig.builder()
                .httpHost("127.0.0.1")
                .httpPort(0)
                .jdbc(database.jdbcUrl(), database.user(), database.password())
                .kafkaBootstrapServers(sandbox.kafka().bootstrapServers())
                .registryUrl(sandbox.registry().url())
                .topics(topics)
                .idempotencyLockTimeout(Duration.ofMillis(500))
                .statusConsumerGroup(unique)
                .statusPollTimeout(Duration.ofMillis(100))
                .idempotencyKeyTtl(idempotencyKeyTtl)
                .build();
        PaymentApi api = PaymentApi.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock,
                RandomGeneratorFactory.of("L64X128MixRandom").create(42));
        return new ApiFixture(database, topics, api, unique);
    }

    private static void createTopic(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    HttpResponse<byte[]> post(String apiKey, String idempotencyKey, String body) {
        HttpRequest.Builder request = request("/payments").POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    HttpResponse<byte[]> get(String apiKey, String path) {
        HttpRequest.Builder request = request(path).GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return send(request.build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).timeout(Duration.ofSeconds(20));
    }

    HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(HttpResponse<byte[]> response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDBC connection outside the API, to look at (or hold locks on) its tables. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    double counter(String name, String outcome) {
        var counter = api.meters().find(name).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    static String body(String orderId, long amount, String currency) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"cus_42\",\"amount\":" + amount
                + ",\"currency\":\"" + currency + "\"}";
    }

    @Override
    public void close() {
        api.close();
    }
}
