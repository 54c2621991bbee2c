package io.chargeonce.cli.verify;

import io.chargeonce.cli.Main;
import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.events.PaymentConfirmed;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verifier against a real stack (every part in this JVM, free ports). First the history of a
 * few payments, a relay duplicate and a poison record must hold and be counted exactly; then the
 * test plants violations in the real topics with a transactional producer and the verifier, as a
 * library and as {@code chargeonce verify}, must name them and nothing else.
 *
 * <p>Planted, and expected: a second committed confirmed result for the first confirmed payment
 * (DUPLICATE_RESULT names it); a confirmed result for the second one in an aborted transaction
 * (invisible to {@code read_committed}: not a duplicate, counted as one aborted record); a status
 * event for a payment nobody accepted (RESULT_WITHOUT_INTENT names it); a refund status event for a
 * refund nobody asked for (REFUND_WITHOUT_INTENT names it and its payment) and its result in an
 * aborted transaction (invisible: counted as one aborted refund result). Last, with the processor
 * stopped, a new payment keeps the backlog open and, judged as drained, is named as stuck.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryVerifierIntegrationTest {

    private static Stack stack;
    private static HistoryReader reader;
    private static final HistoryVerifier verifier = new HistoryVerifier(Backlog.DRAINED);
    private static String paid;
    private static String alsoPaid;
    private static long abortedBefore;

    @BeforeAll
    static void startStack() {
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID()), System.out);
        reader = new HistoryReader(HistorySources.of(stack), Clock.systemUTC());
    }

    @AfterAll
    static void stopStack() {
        if (reader != null) {
            reader.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aRealHistoryWithARelayDuplicateAndPoisonHoldsAndIsCountedExactly() throws Exception {
        ApiClient api = new ApiClient(stack.apiUrl(), stack.apiKey());
        paid = accepted(api.createPayment("k-paid-" + UUID.randomUUID(), "o-1", "cus_1", 1200, "EUR"));
        alsoPaid = accepted(api.createPayment("k-also-" + UUID.randomUUID(), "o-2", "cus_2", 1300, "EUR"));
        accepted(api.createPayment("k-declined-" + UUID.randomUUID(), "o-3", "cus_decline_verify", 1400, "EUR"));

        String requests = stack.topics().paymentRequests().name();
        TopicReader topics = new TopicReader(stack.sandbox().kafka().bootstrapServers());
        ConsumerRecord<byte[], byte[]> relayed = await().atMost(Duration.ofSeconds(30)).until(
                () -> topics.readAll(requests, Isolation.READ_COMMITTED).stream()
                        .filter(r -> paid.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElse(null),
                r -> r != null);
        try (KafkaProducer<byte[], byte[]> producer = producer(null)) {
            // a crashed relay's redelivery, byte for byte, and a record that is not Avro at all
            producer.send(new ProducerRecord<>(requests, null, relayed.key(), relayed.value(), relayed.headers())).get();
            ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(requests,
                    "poison-verify".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
            poison.headers().add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            producer.send(poison).get();
        }

        Drain drain = reader.awaitDrained(Instant.now().plus(Duration.ofSeconds(90)));
        assertThat(drain.drained()).as("drained: %s", drain).isTrue();
        // drained means the poison's dead letter is committed too: no waiting for it here
        Verdict verdict = verifier.verify(reader.read());

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.oneLine()).isEqualTo("payments=3 results=3 needs-attention=0 dead-letters=1 "
                + "duplicates-absorbed=1 charged-twice=0 lost=0 refunds=0 refunded-twice=0 violations=0");
        Statistics s = verdict.statistics();
        assertThat(List.of(s.confirmed(), s.failed(), s.confirmedResults(), s.failedResults()))
                .containsExactly(2L, 1L, 2L, 1L);
        assertThat(List.of(s.providerCharges(), s.providerDeclines())).containsExactly(2L, 1L);
        abortedBefore = s.abortedResultRecords();
    }

    @Test
    @Order(2)
    void violationsPlantedInTheRealTopicsAreNamedByTheLibraryAndTheCommand() throws Exception {
        String ghost = UUID.randomUUID().toString();
        String ghostRefund = UUID.randomUUID().toString();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(stack.sandbox().registry().url());
             KafkaProducer<byte[], byte[]> producer = producer("verify-planter-" + UUID.randomUUID())) {
            AvroSerde<PaymentConfirmed> confirmed = AvroSerde.forTopic(stack.topics().paymentConfirmed(), registry);
            AvroSerde<PaymentStatusChanged> status = AvroSerde.forTopic(stack.topics().paymentStatus(), registry);
            AvroSerde<RefundStatusChanged> refundStatus = AvroSerde.forTopic(stack.topics().refundStatus(), registry);
            AvroSerde<RefundSettled> refundSettled = AvroSerde.forTopic(stack.topics().refundResults(), registry);
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(stack.topics().paymentConfirmed().name(), paid, confirmed.serialize(confirmation(paid))));
            producer.send(record(stack.topics().paymentStatus().name(), ghost, status.serialize(statusChange(ghost))));
            producer.send(record(stack.topics().refundStatus().name(), paid,
                    refundStatus.serialize(refundStatusChange(ghostRefund, paid))));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(record(stack.topics().paymentConfirmed().name(), alsoPaid, confirmed.serialize(confirmation(alsoPaid))));
            producer.send(record(stack.topics().refundResults().name(), paid,
                    refundSettled.serialize(refundSettled(ghostRefund, paid))));
            producer.flush();
            producer.abortTransaction();
        }

        Verdict verdict = verifier.verify(reader.read());

        assertThat(verdict.violations()).extracting(Violation::invariant)
                .containsExactlyInAnyOrder(Invariant.DUPLICATE_RESULT, Invariant.RESULT_WITHOUT_INTENT,
                        Invariant.REFUND_WITHOUT_INTENT);
        assertThat(verdict.violation(Invariant.REFUND_WITHOUT_INTENT).orElseThrow().paymentIds())
                .containsExactly("refund " + ghostRefund + " of payment " + paid);
        assertThat(verdict.statistics().refunds().abortedResultRecords()).isEqualTo(1);
        assertThat(verdict.statistics().refunds().results()).as("the aborted refund result is invisible").isZero();
        assertThat(verdict.violation(Invariant.DUPLICATE_RESULT).orElseThrow().paymentIds())
                .as("the aborted confirmation of %s never reached read_committed", alsoPaid).containsExactly(paid);
        assertThat(verdict.violation(Invariant.RESULT_WITHOUT_INTENT).orElseThrow().paymentIds()).containsExactly(ghost);
        assertThat(verdict.statistics().abortedResultRecords()).isEqualTo(abortedBefore + 1);

        CommandRun run = verifyCommand("--jdbc-url", stack.database().jdbcUrl(),
                "--bootstrap-servers", stack.sandbox().kafka().bootstrapServers(),
                "--registry-url", stack.sandbox().registry().url(),
                "--provider-url", stack.sandbox().provider().url(),
                "--await-drained", "10");
        assertThat(run.exit()).as("verify's exit code; output:%n%s", run.output()).isEqualTo(1);
        assertThat(run.output()).contains("violations=3", "VIOLATED DUPLICATE_RESULT (1)", paid,
                "VIOLATED RESULT_WITHOUT_INTENT (1)", ghost, "VIOLATED REFUND_WITHOUT_INTENT (1)",
                "refunds: refund " + ghostRefund + " of payment " + paid);
    }

    @Test
    @Order(3)
    void aPaymentTheStoppedProcessorNeverSawKeepsTheBacklogOpenAndIsJudgedStuck() throws Exception {
        stack.processor().close();
        ApiClient api = new ApiClient(stack.apiUrl(), stack.apiKey());
        String stuck = accepted(api.createPayment("k-stuck-" + UUID.randomUUID(), "o-4", "cus_4", 1500, "EUR"));
        // the relay still runs: the request reaches the topic, and nobody commits past it
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.drain().unprocessedRequests() == 1);

        Drain drain = reader.awaitDrained(Instant.now().plus(Duration.ofSeconds(1)));

        assertThat(drain.drained()).isFalse();
        assertThat(drain.pendingPayments()).isEqualTo(1);
        Verdict verdict = verifier.verify(reader.read());
        assertThat(verdict.violation(Invariant.MISSING_RESULT).orElseThrow().paymentIds()).containsExactly(stuck);
        assertThat(new HistoryVerifier(Backlog.IN_FLIGHT).verify(reader.read()).violation(Invariant.MISSING_RESULT))
                .as("in flight, a PENDING payment may just be slow").isEmpty();
    }

    private static String accepted(Answer answer) {
        assertThat(answer.status()).isEqualTo(202);
        return answer.paymentId();
    }

    private static PaymentConfirmed confirmation(String paymentId) {
        return PaymentConfirmed.newBuilder().setEventId(UUID.randomUUID().toString()).setPaymentId(paymentId)
                .setMerchantId(stack.merchantId()).setOrderId("o-planted").setAmountMinor(1200).setCurrency("EUR")
                .setProviderChargeId("ch_planted").setAttempts(1).setConfirmedAt(Instant.now()).build();
    }

    private static PaymentStatusChanged statusChange(String paymentId) {
        return PaymentStatusChanged.newBuilder().setEventId(UUID.randomUUID().toString()).setPaymentId(paymentId)
                .setMerchantId(stack.merchantId()).setStatus(PaymentStatus.CONFIRMED).setAttempt(1)
                .setOccurredAt(Instant.now()).build();
    }

    private static RefundStatusChanged refundStatusChange(String refundId, String paymentId) {
        return RefundStatusChanged.newBuilder().setEventId(UUID.randomUUID().toString()).setRefundId(refundId)
                .setPaymentId(paymentId).setMerchantId(stack.merchantId()).setStatus(RefundStatus.PENDING).setAttempt(1)
                .setOccurredAt(Instant.now()).build();
    }

    private static RefundSettled refundSettled(String refundId, String paymentId) {
        return RefundSettled.newBuilder().setEventId(UUID.randomUUID().toString()).setRefundId(refundId)
                .setPaymentId(paymentId).setMerchantId(stack.merchantId()).setAmountMinor(100).setCurrency("EUR")
                .setStatus(RefundStatus.SUCCEEDED).setProviderRefundId("re_planted").setAttempts(1)
                .setSettledAt(Instant.now()).build();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.sandbox().kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private record CommandRun(int exit, String output) {
    }

    private static CommandRun verifyCommand(String... options) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        String[] args = new String[options.length + 1];
        args[0] = "verify";
        System.arraycopy(options, 0, args, 1, options.length);
        int exit;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        return new CommandRun(exit, output);
    }
}
