package io.chargeonce.processor;

import io.chargeonce.processor.gateway.HttpPaymentGateway;
import io.chargeonce.processor.gateway.PaymentGateway;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;

/**
 * Runs the payment topology on Kafka Streams with {@code exactly_once_v2}. It owns what it starts:
 * the streams instance, the registry client and, when it made it, the HTTP gateway.
 *
 * <p>On start it creates every catalog topic that is missing (requests, status, results, dead
 * letters), because Streams refuses to start on a missing source topic and a missing sink topic
 * would fail the first transaction; creation is idempotent, so several instances and the relay may
 * race to do it. Production clusters that forbid clients creating topics should create them up
 * front with {@code deploy/}'s definitions; then this finds them and changes nothing. It then
 * refuses to start unless refund requests and payment requests have the same partition count
 * (co-partitioning: a refund must reach the task holding its payment's ledger entry).
 *
 * <p>A stream thread that dies of an unexpected exception is replaced: EOS aborts its open
 * transaction and the new thread resumes from the last commit, re-driving from the ledger.
 */
public final class PaymentProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaymentProcessor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_METADATA_PATIENCE = Duration.ofSeconds(30);

    private final ProcessorConfig config;
    private final PaymentGateway gateway;
    private final AutoCloseable ownedGateway;
    private final Clock clock;
    private final RandomGenerator random;
    private final MeterRegistry meters;
    private SchemaRegistryClient registry;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    /**
     * A processor on the wall clock, an unseeded generator (instances must not share a jitter
     * sequence) and the HTTP gateway to {@link ProcessorConfig#providerUrl()}.
     */
    public static PaymentProcessor create(ProcessorConfig config, MeterRegistry meters) {
        HttpPaymentGateway gateway = new HttpPaymentGateway(URI.create(config.providerUrl()), config.providerTimeout());
        return new PaymentProcessor(config, gateway, gateway, Clock.systemUTC(), new SplittableRandom(), meters);
    }

    /** A processor on the given gateway, clock and generator; the caller keeps ownership of the gateway. */
    public PaymentProcessor(ProcessorConfig config, PaymentGateway gateway, Clock clock, RandomGenerator random,
                            MeterRegistry meters) {
        this(config, gateway, null, clock, random, meters);
    }

    private PaymentProcessor(ProcessorConfig config, PaymentGateway gateway, AutoCloseable ownedGateway, Clock clock,
                             RandomGenerator random, MeterRegistry meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.ownedGateway = ownedGateway;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * Creates missing topics, checks the request topics are co-partitioned, registers schemas, starts
     * the streams; returns without waiting for RUNNING.
     *
     * @throws IllegalStateException if refund and payment requests have different partition counts
     */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("payment processor " + config.applicationId() + " already started");
        }
        ensureTopics();
        registry = new SchemaRegistryClient(config.registryUrl());
        EventSerdes serdes = EventSerdes.avro(config.topics(), registry);
        serdes.registerAll();
        Topology topology = PaymentTopology.build(config, serdes, gateway, clock, random, meters);
        log.debug("payment processor topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, streamsProperties(config));
        streams.setUncaughtExceptionHandler(error -> {
            log.error("stream thread of {} died; replacing it (EOS resumes from the last commit)",
                    config.applicationId(), error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("payment processor {}: {} -> {}",
                config.applicationId(), before, now));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        log.info("payment processor {} started on {} reading {}", config.applicationId(), config.bootstrapServers(),
                config.topics().paymentRequests().name());
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Kafka Streams properties for {@code config}; public so operators can see exactly what runs. */
    public static Properties streamsProperties(ProcessorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        // EOS already reads read_committed; stated so nobody "optimises" it away: the relay's and
        // our own aborted writes must never be charged or reported.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // After a crash the group waits this long before moving the tasks (see ProcessorConfig).
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) config.sessionTimeout().toMillis());
        // A stream thread that stops polling this long is thrown out and its producer fenced (see ProcessorConfig).
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), (int) config.maxPollInterval().toMillis());
        // A new application id starts at the beginning of the request topic: no request is skipped.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /**
     * Refuses to start when the refund requests topic is not co-partitioned with the payment
     * requests topic: with another partition count, a refund's payment id hashes to another
     * partition than its payment's, so it lands in a task whose ledger does not hold the payment,
     * and every refund would fail as payment_not_confirmed (or worse, after a repartitioning, be
     * decided against a stale reservation). Topics that existed before are never changed here.
     */
    private void requireCoPartitioned(Admin admin) {
        String payments = config.topics().paymentRequests().name();
        String refunds = config.topics().refundRequests().name();
        Map<String, TopicDescription> described = describe(admin, List.of(payments, refunds));
        coPartitioningProblem(payments, described.get(payments).partitions().size(),
                refunds, described.get(refunds).partitions().size()).ifPresent(problem -> {
                    throw new IllegalStateException(problem);
                });
    }

    /**
     * Describes freshly created topics: the broker answers "unknown topic" until their metadata has
     * propagated, so that answer is retried for up to {@link #TOPIC_METADATA_PATIENCE} (start-up only).
     */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names) {
        long deadline = System.nanoTime() + TOPIC_METADATA_PATIENCE.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot describe " + names + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + names, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + names, e);
            }
        }
    }

    /** Why the two request topics are not co-partitioned, or empty if they are. */
    static Optional<String> coPartitioningProblem(String paymentTopic, int paymentPartitions, String refundTopic,
                                                  int refundPartitions) {
        if (paymentPartitions == refundPartitions) {
            return Optional.empty();
        }
        return Optional.of("refusing to start: " + refundTopic + " has " + refundPartitions + " partition(s) but "
                + paymentTopic + " has " + paymentPartitions + "; refunds are keyed by payment id and must reach the "
                + "task that holds their payment's ledger entry, so both topics need the same partition count "
                + "(add partitions to the smaller one only if it is empty, or recreate it)");
    }

    private void ensureTopics() {
        List<NewTopic> wanted = config.topics().all().stream()
                .map(Topic::name)
                .map(name -> new NewTopic(name, config.topicPartitions(), config.replicationFactor()))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            admin.createTopics(wanted).values().forEach((name, created) -> {
                try {
                    created.get();
                    log.info("created topic {} ({} partitions, replication {})", name, config.topicPartitions(),
                            config.replicationFactor());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                }
            });
            requireCoPartitioned(admin);
        }
    }

    /**
     * Stops the streams (committing what is done, dropping calls in flight), then the clients it owns.
     * It leaves the consumer group on the way out: Streams' default stays in the group, so the tasks
     * (and their ATTEMPTING payments) would sit unowned for the whole session timeout before another
     * instance re-drives them. The price is one rebalance per deliberate stop, which a rolling
     * restart pays anyway.
     */
    @Override
    public synchronized void close() {
        if (streams != null) {
            log.info("closing payment processor {}", config.applicationId());
            CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT);
            if (!streams.close(leave)) {
                log.warn("payment processor {} did not close within {}", config.applicationId(), CLOSE_TIMEOUT);
            }
            streamsMetrics.close();
        }
        if (ownedGateway != null) {
            try {
                ownedGateway.close();
            } catch (Exception e) {
                log.warn("closing the payment gateway failed", e);
            }
        }
        if (registry != null) {
            registry.close();
        }
    }
}
