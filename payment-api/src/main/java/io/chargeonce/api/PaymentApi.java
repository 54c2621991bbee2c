package io.chargeonce.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.chargeonce.api.health.HealthCheck;
import io.chargeonce.api.health.PostgresCheck;
import io.chargeonce.api.http.OperationsRoutes;
import io.chargeonce.api.history.PaymentHistory;
import io.chargeonce.api.http.PaymentRoutes;
import io.chargeonce.api.http.RefundRoutes;
import io.chargeonce.api.inbox.StatusApplier;
import io.chargeonce.api.inbox.StatusInbox;
import io.chargeonce.api.inbox.StatusTopic;
import io.chargeonce.api.merchant.Merchants;
import io.chargeonce.api.metrics.PaymentCensus;
import io.chargeonce.api.payment.PaymentIntake;
import io.chargeonce.api.payment.Payments;
import io.chargeonce.api.refund.RefundIntake;
import io.chargeonce.api.refund.Refunds;
import io.chargeonce.api.trace.Traceparent;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.outbox.OutboxWriter;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A running payment-api: the HTTP server, its connection pool and the status inbox consumer.
 *
 * <p>Start-up migrates the database (payment-api's tables and the outbox) but provisions nothing
 * else: no merchants, no topics, no schemas beyond what the first write registers. Use
 * {@link #merchants()} to set up a merchant. {@link #close()} stops taking requests first, then the
 * inbox, then the pool, so no in-flight work loses its connection.
 */
public final class PaymentApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PaymentApi.class);

    private final HikariDataSource dataSource;
    private final SchemaRegistryClient registry;
    private final StatusInbox inbox;
    private final Javalin http;
    private final Merchants merchants;
    private final MeterRegistry meters;
    private final PaymentCensus census;
    private final Map<String, HealthCheck> readiness;

    private PaymentApi(HikariDataSource dataSource, SchemaRegistryClient registry, StatusInbox inbox, Javalin http,
                       Merchants merchants, MeterRegistry meters, PaymentCensus census,
                       Map<String, HealthCheck> readiness) {
        this.census = census;
        this.readiness = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(readiness));
        this.dataSource = dataSource;
        this.registry = registry;
        this.inbox = inbox;
        this.http = http;
        this.merchants = merchants;
        this.meters = meters;
    }

    /**
     * Starts with a private {@link PrometheusMeterRegistry} (served at {@code GET /metrics}), the
     * system clock and an entropy-seeded generator.
     */
    public static PaymentApi start(ApiConfig config) {
        return start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                RandomGenerator.of("L64X128MixRandom"));
    }

    /**
     * @param meters where {@code chargeonce.api.*} meters go; {@code GET /metrics} serves it when it is
     *               (or contains) a {@link PrometheusMeterRegistry}, and answers 404 otherwise
     * @param clock  time of payments and status changes
     * @param random jitter of the status inbox's retry backoff (ids and trace ids use a SecureRandom)
     */
    public static PaymentApi start(ApiConfig config, MeterRegistry meters, Clock clock, RandomGenerator random) {
        Objects.requireNonNull(config, "config");
        log.info("starting payment-api with {}", config);
        HikariDataSource dataSource = pool(config);
        SchemaRegistryClient registry = null;
        StatusInbox inbox = null;
        PaymentCensus census = null;
        try {
            ApiMigration.migrate(dataSource);
            registry = new SchemaRegistryClient(config.registryUrl());
            Merchants merchants = new Merchants(dataSource, clock);
            AvroSerde<PaymentRequested> requestSerde = AvroSerde.forTopic(config.topics().paymentRequests(), registry);
            AvroSerde<RefundRequested> refundSerde = AvroSerde.forTopic(config.topics().refundRequests(), registry);
            // Resolve the schema ids now, so no request ever waits on the registry while it holds
            // the idempotency key's index entry (and a failing registry fails the start, not payments).
            log.info("outbox payloads written with schema id {} of subject {} and {} of subject {}",
                    requestSerde.schemaId(), config.topics().paymentRequests().valueSubject(),
                    refundSerde.schemaId(), config.topics().refundRequests().valueSubject());
            PaymentIntake intake = new PaymentIntake(dataSource, new OutboxWriter(), requestSerde, clock,
                    config.idempotencyLockTimeout(), config.idempotencyKeyTtl(), meters);
            RefundIntake refundIntake = new RefundIntake(dataSource, new OutboxWriter(), refundSerde, clock,
                    config.idempotencyLockTimeout(), config.idempotencyKeyTtl(), meters);
            Payments payments = new Payments(dataSource);
            Refunds refunds = new Refunds(dataSource);
            Traceparent traces = new Traceparent(new SecureRandom());
            PaymentRoutes routes = new PaymentRoutes(merchants, intake, payments, refunds,
                    new PaymentHistory(dataSource), traces);
            RefundRoutes refundRoutes = new RefundRoutes(refundIntake, payments, refunds, traces);
            inbox = StatusInbox.start(new StatusInbox.Settings(config.kafkaBootstrapServers(),
                            config.statusConsumerGroup(), config.statusPollTimeout(), config.statusRetryBackoffMax(),
                            config.statusMaxBatch(), config.statusSessionTimeout()),
                    List.of(StatusTopic.payments(config.topics().paymentStatus(),
                                    AvroSerde.forTopic(config.topics().paymentStatus(), registry)),
                            StatusTopic.refunds(config.topics().refundStatus(),
                                    AvroSerde.forTopic(config.topics().refundStatus(), registry))),
                    new StatusApplier(dataSource, clock, meters), meters, random);
            census = PaymentCensus.start(dataSource, meters, PaymentCensus.DEFAULT_PERIOD);
            StatusInbox statusInbox = inbox;
            Map<String, HealthCheck> readiness = new LinkedHashMap<>();
            readiness.put("postgres", new PostgresCheck(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(),
                    PostgresCheck.DEFAULT_TIMEOUT));
            readiness.put("statusInbox", () -> statusInbox.isRunning() ? null
                    : "the status consumer stopped; status events are not applied");
            OperationsRoutes operations = new OperationsRoutes(meters, readiness);
            Javalin http = Javalin.create(javalin -> {
                javalin.startup.showJavalinBanner = false;
                javalin.http.maxRequestSize = config.maxBodyBytes();
                javalin.http.prefer405over404 = true;
                javalin.jetty.host = config.httpHost();
                javalin.jetty.port = config.httpPort();
                routes.register(javalin);
                refundRoutes.register(javalin);
                operations.register(javalin);
            }).start();
            log.info("payment-api listening on {}:{}", config.httpHost(), http.port());
            return new PaymentApi(dataSource, registry, inbox, http, merchants, meters, census, readiness);
        } catch (RuntimeException e) {
            closeQuietly(census, e);
            closeQuietly(inbox, e);
            closeQuietly(registry, e);
            closeQuietly(dataSource, e);
            throw e;
        }
    }

    /** The port HTTP listens on (the chosen one when configured with 0). */
    public int port() {
        return http.port();
    }

    /** Provisioning of merchants and their API keys. */
    public Merchants merchants() {
        return merchants;
    }

    /** What {@code GET /health/ready} checks, by name; an in-process stack serves them on its own endpoint too. */
    public Map<String, HealthCheck> readiness() {
        return readiness;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /** The pool payment-api uses; for set-up and inspection, not for writing payments around the API. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        log.info("stopping payment-api on port {}", http.port());
        http.stop();
        census.close();
        inbox.close();
        registry.close();
        dataSource.close();
        log.info("payment-api stopped");
    }

    private static HikariDataSource pool(ApiConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("payment-api");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.jdbcUser());
        hikari.setPassword(config.jdbcPassword());
        hikari.setMaximumPoolSize(config.dbPoolSize());
        hikari.setConnectionTimeout(config.dbConnectionTimeout().toMillis());
        return new HikariDataSource(hikari);
    }

    private static void closeQuietly(AutoCloseable resource, Exception cause) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
