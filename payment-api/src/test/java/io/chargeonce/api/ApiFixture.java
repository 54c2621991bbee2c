package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.chargeonce.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.random.RandomGeneratorFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One payment-api per test class, on the shared sandbox: its own database, its own topic prefix
 * and consumer group (both status topics created), a free HTTP port, and two merchants; and the
 * requests, queries and status events the tests make against it.
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
    private SchemaRegistryClient registry;
    private KafkaProducer<String, byte[]> producer;

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
        createTopic(sandbox.kafka().bootstrapServers(), topics.refundStatus().name());
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
        return post(apiKey, "/payments", idempotencyKey, body);
    }

    HttpResponse<byte[]> post(String apiKey, String path, String idempotencyKey, String body) {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
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

    /** A fresh Idempotency-Key. */
    static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    /** The error code of a JSON error answer (and that it is one). */
    String errorCode(HttpResponse<byte[]> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return json(response).get("error").get("code").asText();
    }

    /** Sends {@code request} from {@code threads} threads released together; the answers in no particular order. */
    List<HttpResponse<byte[]>> concurrently(int threads, Supplier<HttpResponse<byte[]>> request) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.get();
                }));
            }
        }
        List<HttpResponse<byte[]>> responses = new ArrayList<>();
        for (var future : futures) {
            responses.add(future.get());
        }
        return responses;
    }

    /** The first column of every row {@code sql} returns, as text; {@code args} bind its parameters. */
    List<String> query(String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection db = connect(); PreparedStatement select = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                select.setObject(i + 1, args[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    /** Publishes {@code events} on {@code topic} in one committed Kafka transaction, keyed by {@code key}. */
    @SafeVarargs
    final synchronized <V extends SpecificRecord> void publish(Topic<V> topic, String key, V... events) {
        if (producer == null) {
            registry = new SchemaRegistryClient(Sandbox.shared().registry().url());
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Sandbox.shared().kafka().bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "api-fixture-" + UUID.randomUUID()),
                    new StringSerializer(), new ByteArraySerializer());
            producer.initTransactions();
        }
        AvroSerde<V> serde = AvroSerde.forTopic(topic, registry);
        producer.beginTransaction();
        for (V event : events) {
            producer.send(new ProducerRecord<>(topic.name(), key, serde.serialize(event)));
        }
        producer.commitTransaction();
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
        if (producer != null) {
            producer.close();
            registry.close();
        }
        api.close();
    }
}
