package io.chargeonce.processor;

import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentFailed;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.LedgerEntrySerde;
import io.chargeonce.processor.ledger.PaymentLedger;
import io.chargeonce.processor.support.SampleRequests;
import io.chargeonce.processor.support.TopicReader;
import io.chargeonce.processor.support.TopologyHarness;
import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.sandbox.ProviderSimulator;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The processor on the sandbox's real broker (EOS on), registry and provider simulator. The
 * provider's own ledger is the ground truth for "charged once"; read_committed readers are what
 * downstream services see.
 */
class PaymentProcessorIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;
    private final Sandbox sandbox = Sandbox.shared();
    private final ProviderSimulator provider = sandbox.provider();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = Topics.withPrefix("it-" + run);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SchemaRegistryClient registry;
    private EventSerdes serdes;
    private KafkaProducer<byte[], byte[]> producer;

    @BeforeEach
    void connect() {
        provider.reset();
        registry = new SchemaRegistryClient(sandbox.registry().url());
        serdes = EventSerdes.avro(topics, registry);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
        producer.close(Duration.ZERO);
        registry.close();
        provider.reset();
    }

    private ProcessorConfig.Builder config(String stateSubdir) {
        return ProcessorConfig.builder(sandbox.kafka().bootstrapServers(), sandbox.registry().url(), provider.url())
                .applicationId("it-processor-" + run)
                .topics(topics)
                .stateDir(stateDir.resolve(stateSubdir))
                .topicPartitions(2)
                .providerTimeout(Duration.ofSeconds(1))
                .retryBaseBackoff(Duration.ofMillis(50))
                .retryMaxBackoff(Duration.ofMillis(500))
                .maxAttempts(20);
    }

    private PaymentProcessor startProcessor(ProcessorConfig config, SimpleMeterRegistry meters) {
        PaymentProcessor processor = PaymentProcessor.create(config, meters);
        toClose.add(processor);
        processor.start();
        await().atMost(PATIENCE).until(() -> processor.state() == KafkaStreams.State.RUNNING);
        return processor;
    }

    private void send(PaymentRequested request) {
        sendRaw(request.getPaymentId(), serdes.requests().serialize(request), request.getEventId());
    }

    private void sendRaw(String key, byte[] value, String eventId) {
        Headers headers = TopologyHarness.headers(eventId);
        producer.send(new ProducerRecord<>(topics.paymentRequests().name(), null,
                key.getBytes(StandardCharsets.UTF_8), value, headers));
    }

    private <V> TopicReader<V> committedReader(String topic, Deserializer<V> values) {
        TopicReader<V> reader = TopicReader.committed(sandbox.kafka().bootstrapServers(), topic, values);
        toClose.add(reader);
        return reader;
    }

    @Test
    void everyPaymentIsChargedOnceAndHasOneResultDespiteDroppedResponsesDuplicatesAndPoison() {
        // A third of charges are made but their response never arrives; some requests fail with 5xx first.
        provider.setFaults(ProviderFaults.none().withDropResponseRate(0.3).withServerErrorRate(0.1).withSeed(7));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        startProcessor(config("single").build(), meters);

        List<PaymentRequested> requests = IntStream.range(0, 20)
                .mapToObj(i -> SampleRequests.request("pay-" + run + "-" + i)).toList();
        PaymentRequested declined = SampleRequests.request("pay-" + run + "-declined");
        declined.setCustomerId("cus_decline_insufficient_funds");
        requests.forEach(this::send);
        send(declined);
        send(requests.getFirst());                                              // relay redelivery: same event id
        send(SampleRequests.request(requests.get(1).getPaymentId(), "evt-second-intent")); // new event, same payment
        String poisonKey = "pay-" + run + "-poison";
        sendRaw(poisonKey, "{\"definitely\":\"not avro\"}".getBytes(StandardCharsets.UTF_8), "evt-poison-" + run);
        producer.flush();

        List<String> paymentIds = new ArrayList<>(requests.stream().map(PaymentRequested::getPaymentId).toList());
        paymentIds.add(declined.getPaymentId());
        TopicReader<PaymentConfirmed> confirmed = committedReader(topics.paymentConfirmed().name(), serdes.confirmed());
        TopicReader<PaymentFailed> failed = committedReader(topics.paymentFailed().name(), serdes.failed());
        TopicReader<DeadLetter> poison = committedReader(topics.deadLetter(FailureClass.UNDESERIALIZABLE).name(),
                serdes.deadLetter(FailureClass.UNDESERIALIZABLE));
        TopicReader<PaymentStatusChanged> statuses = committedReader(topics.paymentStatus().name(), serdes.status());

        // Expected committed state: 20 confirmed, 1 failed (declined), 1 dead letter, each exactly once.
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Long> results = new HashMap<>();
            confirmed.poll().forEach(r -> results.merge(r.value().getPaymentId(), 1L, Long::sum));
            failed.poll().forEach(r -> results.merge(r.value().getPaymentId(), 1L, Long::sum));
            assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(paymentIds);
            assertThat(poison.poll()).hasSize(1);
        });
        // Another look after the results are in: nothing more arrived late.
        assertThat(confirmed.poll()).hasSize(20)
                .extracting(r -> r.value().getPaymentId()).doesNotHaveDuplicates();
        assertThat(failed.poll()).singleElement().satisfies(r -> {
            assertThat(r.value().getPaymentId()).isEqualTo(declined.getPaymentId());
            assertThat(r.value().getReasonCode()).isEqualTo("insufficient_funds");
        });

        // Ground truth: the provider charged each payment exactly once, under its own key.
        List<ProviderCharge> charges = provider.ledger();
        assertThat(charges).extracting(ProviderCharge::paymentId).containsExactlyInAnyOrderElementsOf(paymentIds);
        assertThat(charges).allSatisfy(charge ->
                assertThat(charge.idempotencyKey()).isEqualTo("chargeonce-" + charge.paymentId()));
        assertThat(provider.stats().droppedResponses()).isPositive();

        // The poison is on the DLT with its origin, and its payment is visibly stuck, not PENDING.
        ConsumerRecord<byte[], DeadLetter> letter = poison.poll().getFirst();
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(poisonKey);
        assertThat(letter.value().getOriginTopic()).isEqualTo(topics.paymentRequests().name());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(lastStatusByPayment(statuses.poll()))
                .containsEntry(poisonKey, PaymentStatus.NEEDS_ATTENTION));
        Map<String, PaymentStatus> last = lastStatusByPayment(statuses.poll());
        paymentIds.forEach(id -> assertThat(last.get(id)).as(id).isIn(PaymentStatus.CONFIRMED, PaymentStatus.FAILED));
        assertThat(meters.find(ProcessorMetrics.INBOX).tag("decision", "duplicate").counter().count()).isEqualTo(1);
        assertThat(meters.find(ProcessorMetrics.LEDGER).tag("decision", "duplicate").counter().count()).isEqualTo(1);
    }

    @Test
    void callsInFlightWhenAnInstanceStopsAreReconciledByTheNextOneWithoutChargingTwice() {
        // The provider holds every charge: the first instance will never hear back.
        provider.setFaults(ProviderFaults.none().withLatency(Duration.ofMinutes(5).toMillis(), 0));
        ProcessorConfig first = config("first").build();
        PaymentProcessor stopping = startProcessor(first, new SimpleMeterRegistry());
        List<PaymentRequested> requests = IntStream.range(0, 5)
                .mapToObj(i -> SampleRequests.request("pay-" + run + "-handover-" + i)).toList();
        requests.forEach(this::send);
        producer.flush();

        // Expected committed state before the handover: five ATTEMPTING entries in the ledger's changelog.
        TopicReader<LedgerEntry> changelog = committedReader(first.applicationId() + "-" + PaymentLedger.LEDGER_STORE + "-changelog",
                new LedgerEntrySerde().deserializer());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(latestByKey(changelog.poll()).values())
                .hasSize(5).allSatisfy(entry -> assertThat(entry).isInstanceOf(LedgerEntry.Attempting.class)));
        await().atMost(PATIENCE).until(() -> provider.stats().inFlight() == 5);
        stopping.close();
        // The provider now answers the held calls: the charges are made, nobody is listening.
        provider.setFaults(ProviderFaults.none());
        await().atMost(PATIENCE).until(() -> provider.ledger().size() == 5);

        // A new instance, with empty local state: it restores the ledger from the changelog.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        startProcessor(config("second").build(), meters);

        TopicReader<PaymentConfirmed> confirmed = committedReader(topics.paymentConfirmed().name(), serdes.confirmed());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(confirmed.poll())
                .extracting(r -> r.value().getPaymentId())
                .containsExactlyInAnyOrderElementsOf(requests.stream().map(PaymentRequested::getPaymentId).toList()));
        Map<String, String> chargeIds = provider.ledger().stream()
                .collect(Collectors.toMap(ProviderCharge::paymentId, ProviderCharge::id));
        // The first instance may itself have timed out and re-driven (getting 409s while the provider
        // held the key), so attempts are at least 2, not exactly 2; what matters is below.
        assertThat(confirmed.poll()).hasSize(5).allSatisfy(r -> {
            assertThat(r.value().getProviderChargeId()).isEqualTo(chargeIds.get(r.value().getPaymentId()));
            assertThat(r.value().getAttempts()).isGreaterThanOrEqualTo(2);
        });
        assertThat(provider.ledger()).hasSize(5);
        // The second instance never received these requests: every result came from its re-drives.
        assertThat(meters.find(ProcessorMetrics.RECONCILE_ATTEMPTS).counter().count()).isGreaterThanOrEqualTo(5);
        assertThat(meters.find(ProcessorMetrics.LEDGER).counters()).isEmpty();
    }

    @Test
    void aConfirmedPaymentIsRefundedOnceAtTheProviderWithOneCommittedResult() {
        provider.setFaults(ProviderFaults.none().withDropResponseRate(0.5).withSeed(11));
        startProcessor(config("refund").build(), new SimpleMeterRegistry());
        PaymentRequested payment = SampleRequests.request("pay-" + run + "-refunded");
        send(payment);
        TopicReader<PaymentConfirmed> confirmed = committedReader(topics.paymentConfirmed().name(), serdes.confirmed());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(confirmed.poll()).hasSize(1));

        RefundRequested refund = SampleRequests.refund("rf-" + run, payment.getPaymentId(), 500);
        Headers headers = TopologyHarness.headers(refund.getEventId());
        byte[] value = serdes.refundRequests().serialize(refund);
        producer.send(new ProducerRecord<>(topics.refundRequests().name(), null,
                payment.getPaymentId().getBytes(StandardCharsets.UTF_8), value, headers));
        producer.send(new ProducerRecord<>(topics.refundRequests().name(), null,   // relay redelivery
                payment.getPaymentId().getBytes(StandardCharsets.UTF_8), value, headers));
        producer.flush();

        // Expected committed state: one SUCCEEDED RefundSettled, and the provider made exactly one refund.
        TopicReader<RefundSettled> results = committedReader(topics.refundResults().name(), serdes.refundResults());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results.poll()).singleElement().satisfies(r -> {
            assertThat(r.value().getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
            assertThat(r.value().getRefundId()).isEqualTo(refund.getRefundId());
        }));
        assertThat(provider.refunds()).singleElement().satisfies(made -> {
            assertThat(made.idempotencyKey()).isEqualTo("chargeonce-refund-" + refund.getRefundId());
            assertThat(made.amount()).isEqualTo(500);
            assertThat(made.id()).isEqualTo(results.poll().getFirst().value().getProviderRefundId());
        });
    }

    @Test
    void refusesToStartWhenRefundRequestsAreNotCoPartitionedWithPaymentRequests() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.refundRequests().name(), 1, (short) 1))).all().get();
        }
        PaymentProcessor processor = PaymentProcessor.create(config("copartition").topicPartitions(2).build(), new SimpleMeterRegistry());
        toClose.add(processor);

        assertThatThrownBy(processor::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topics.refundRequests().name() + " has 1 partition(s) but "
                        + topics.paymentRequests().name() + " has 2");
        assertThat(processor.state()).isEqualTo(KafkaStreams.State.CREATED);
    }

    private static Map<String, PaymentStatus> lastStatusByPayment(List<ConsumerRecord<byte[], PaymentStatusChanged>> records) {
        Map<String, PaymentStatus> last = new HashMap<>();
        records.forEach(r -> last.put(r.value().getPaymentId(), r.value().getStatus()));
        return last;
    }

    private static <V> Map<String, V> latestByKey(List<ConsumerRecord<byte[], V>> records) {
        return records.stream().collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8),
                ConsumerRecord::value, (older, newer) -> newer));
    }
}
