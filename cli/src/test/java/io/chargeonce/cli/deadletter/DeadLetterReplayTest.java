package io.chargeonce.cli.deadletter;

import io.chargeonce.cli.Main;
import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.events.DeadLetter;
import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.ReplayAudit;
import io.chargeonce.processor.deadletter.DeadLetterHeaders;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.EventHeaders;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters and their replay against one real stack (payment-api, relay, Kafka, the EOS
 * processor, the registry and the provider simulator). Poison of every class lands on its topic
 * with its headers; a payment the provider refused is completed by a replay once the cause is
 * fixed, and charged once however often it is replayed; a record that keeps failing is parked by
 * the loop guard, whether validation or the provider (a payment or a refund) refused it; every run
 * leaves one audit record, a dry run nothing else.
 */
class DeadLetterReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Stack stack;
    private static ApiClient api;
    private static Topics topics;
    private static SchemaRegistryClient registry;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startStack() {
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID()), System.out);
        api = new ApiClient(stack.apiUrl(), stack.apiKey());
        topics = stack.topics();
        registry = new SchemaRegistryClient(stack.sandbox().registry().url());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.sandbox().kafka().bootstrapServers());
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopStack() {
        if (producer != null) {
            producer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void poisonOfEveryClassLandsOnItsTopicWithAllHeaders() throws Exception {
        // UNDESERIALIZABLE: bytes that are not Avro at all
        String garbage = "garbage-" + UUID.randomUUID();
        send(garbage, "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8), "evt-" + garbage);
        // INVALID_REQUEST: valid Avro, amount 0
        String zero = "zero-" + UUID.randomUUID();
        send(zero, requests().serialize(request(zero, 0)), "evt-" + zero);
        // IDEMPOTENCY_CONFLICT: someone used the payment's key at the provider with other parameters first
        String conflict = "conflict-" + UUID.randomUUID();
        chargeAtProvider(IdempotencyKeys.forPayment(conflict), 999, conflict);
        send(conflict, requests().serialize(request(conflict, 1500)), "evt-" + conflict);
        awaitLetter(FailureClass.IDEMPOTENCY_CONFLICT, conflict);
        // PROVIDER_TERMINAL: the provider refuses the charge itself
        stack.sandbox().provider().refuseCharges("account_inactive");
        String refused;
        try {
            refused = api.createPayment("refused-" + UUID.randomUUID(), "order-r", "cus_r", 1200, "EUR").paymentId();
            awaitLetter(FailureClass.PROVIDER_TERMINAL, refused);
        } finally {
            stack.sandbox().provider().refuseCharges(null);
        }

        for (var expected : List.of(new Object[]{FailureClass.UNDESERIALIZABLE, garbage},
                new Object[]{FailureClass.INVALID_REQUEST, zero}, new Object[]{FailureClass.IDEMPOTENCY_CONFLICT, conflict},
                new Object[]{FailureClass.PROVIDER_TERMINAL, refused})) {
            FailureClass failureClass = (FailureClass) expected[0];
            String paymentId = (String) expected[1];
            DeadLetterRecord record = awaitLetter(failureClass, paymentId);
            assertThat(record.key()).asString(StandardCharsets.UTF_8).isEqualTo(paymentId);
            assertThat(record.letter().getFailureClass()).isEqualTo(failureClass);
            assertThat(record.letter().getOriginTopic()).isEqualTo(topics.paymentRequests().name());
            assertThat(record.letter().getEventId()).isNotBlank();
            assertThat(record.letter().getOriginalValue()).isNotNull();
            assertThat(record.letter().getFingerprint()).isNotBlank();
            assertThat(record.letter().getOriginalHeaders()).containsKey(EventHeaders.EVENT_ID);
            for (String header : List.of(DeadLetterHeaders.EXCEPTION, DeadLetterHeaders.MESSAGE, DeadLetterHeaders.STACKTRACE,
                    DeadLetterHeaders.TOPIC, DeadLetterHeaders.PARTITION, DeadLetterHeaders.OFFSET, EventHeaders.EVENT_ID)) {
                assertThat(record.headers().lastHeader(header)).as("%s on the %s dead letter", header, failureClass).isNotNull();
            }
        }
        assertThat(stack.sandbox().provider().ledger()).noneMatch(c -> refused.equals(c.paymentId()));
    }

    @Test
    void aReplayOfAFixedRecordCompletesThePaymentAndReplayingTwiceChargesOnce() throws Exception {
        stack.sandbox().provider().refuseCharges("account_inactive");
        String paymentId;
        try {
            paymentId = api.createPayment("fix-" + UUID.randomUUID(), "order-fix", "cus_fix", 4100, "EUR").paymentId();
            awaitLetter(FailureClass.PROVIDER_TERMINAL, paymentId);
        } finally {
            // the cause is fixed: the provider accepts charges again
            stack.sandbox().provider().refuseCharges(null);
        }
        await().atMost(WAIT).until(() -> "NEEDS_ATTENTION".equals(api.payment(paymentId).paymentStatus()));

        ReplayResult first = replayer().replay(plan(paymentId, false, false, 3));
        assertThat(first.replayed()).hasSize(1);
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(api.payment(paymentId).paymentStatus()));
        assertThat(charges(paymentId)).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(ProviderCharge.SUCCEEDED));

        // the same selection again: skipped, the audit says it was already replayed
        ReplayResult second = replayer().replay(plan(paymentId, false, false, 3));
        assertThat(second.replayed()).isEmpty();
        assertThat(second.skipped()).hasSize(1);

        // forced: re-published, and the inbox drops it (the first replay was applied)
        double duplicatesBefore = inboxDuplicates();
        ReplayResult forced = replayer().replay(plan(paymentId, false, true, 3));
        assertThat(forced.replayed()).hasSize(1);
        await().atMost(WAIT).until(() -> inboxDuplicates() > duplicatesBefore);
        assertThat(charges(paymentId)).hasSize(1);
        assertThat(api.payment(paymentId).paymentStatus()).isEqualTo("CONFIRMED");
    }

    @Test
    void theLoopGuardParksARecordThatKeepsFailing() throws Exception {
        String paymentId = "loop-" + UUID.randomUUID();
        send(paymentId, new byte[]{1, 2, 3, 4}, "evt-" + paymentId);
        awaitLetter(FailureClass.UNDESERIALIZABLE, paymentId);

        ReplayResult first = replayer().replay(plan(paymentId, false, false, 2));
        assertThat(first.replayed()).hasSize(1);
        await().atMost(WAIT).until(() -> letters(FailureClass.UNDESERIALIZABLE, paymentId).stream().anyMatch(r -> r.replayCount() == 1));
        ReplayResult second = replayer().replay(plan(paymentId, false, false, 2));
        assertThat(second.replayed()).singleElement().satisfies(r -> assertThat(r.replayCount()).isEqualTo(1));
        await().atMost(WAIT).until(() -> letters(FailureClass.UNDESERIALIZABLE, paymentId).stream().anyMatch(r -> r.replayCount() == 2));

        ReplayResult third = replayer().replay(plan(paymentId, false, false, 2));
        assertThat(third.replayed()).isEmpty();
        assertThat(third.parked()).singleElement().satisfies(r -> assertThat(r.replayCount()).isEqualTo(2));
        try (DeadLetterReader reader = new DeadLetterReader(settings(), registry)) {
            assertThat(reader.deadLetters(topics.deadLetterParking()))
                    .anySatisfy(parked -> {
                        assertThat(parked.paymentId()).isEqualTo(paymentId);
                        assertThat(parked.replayCount()).isEqualTo(2);
                        assertThat(parked.headers().lastHeader("chargeonce.parked.from")).isNotNull();
                    });
        }
        // parked means out of circulation: a fourth run finds nothing new to replay
        assertThat(replayer().replay(plan(paymentId, false, false, 2)).replayed()).isEmpty();
    }

    @Test
    void theLoopGuardParksAPaymentTheProviderKeepsRefusing() throws Exception {
        stack.sandbox().provider().refuseCharges("account_inactive");
        String paymentId;
        try {
            paymentId = api.createPayment("refusing-" + UUID.randomUUID(), "order-rl", "cus_rl", 2300, "EUR").paymentId();
            assertParkedAfterTwoReplaysOfProviderRefusals(paymentId, topics.paymentRequests().name());
        } finally {
            stack.sandbox().provider().refuseCharges(null);
        }
        assertThat(charges(paymentId)).isEmpty();
    }

    @Test
    void theLoopGuardParksARefundTheProviderKeepsRejecting() throws Exception {
        String paymentId = api.createPayment("refundable-" + UUID.randomUUID(), "order-rr", "cus_rr", 2400, "EUR").paymentId();
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(api.payment(paymentId).paymentStatus()));
        stack.sandbox().provider().refuseCharges("account_inactive");
        try {
            assertThat(api.createRefund(paymentId, "refund-" + UUID.randomUUID(), 700L, null).status()).isEqualTo(202);
            assertParkedAfterTwoReplaysOfProviderRefusals(paymentId, topics.refundRequests().name());
        } finally {
            stack.sandbox().provider().refuseCharges(null);
        }
        assertThat(stack.sandbox().provider().refunds()).noneMatch(r -> paymentId.equals(r.paymentId()));
    }

    /**
     * With the provider refusing throughout, each replay is re-driven by the ledger and refused
     * again; the ledger's new dead letter must carry the replay count on, or the loop guard (max 2)
     * would see 0 every round and replay for ever.
     */
    private static void assertParkedAfterTwoReplaysOfProviderRefusals(String paymentId, String originTopic)
            throws InterruptedException {
        assertThat(awaitLetter(FailureClass.PROVIDER_TERMINAL, paymentId).letter().getOriginTopic()).isEqualTo(originTopic);
        for (int round = 1; round <= 2; round++) {
            int count = round;
            ReplayResult run = replayer().replay(plan(paymentId, false, false, 2));
            assertThat(run.replayed()).singleElement().satisfies(r -> assertThat(r.replayCount()).isEqualTo(count - 1));
            await().atMost(WAIT).until(() -> letters(FailureClass.PROVIDER_TERMINAL, paymentId).stream()
                    .anyMatch(r -> r.replayCount() == count && originTopic.equals(r.letter().getOriginTopic())));
        }
        ReplayResult third = replayer().replay(plan(paymentId, false, false, 2));
        assertThat(third.replayed()).isEmpty();
        assertThat(third.parked()).singleElement().satisfies(r -> {
            assertThat(r.replayCount()).isEqualTo(2);
            assertThat(r.letter().getOriginTopic()).isEqualTo(originTopic);
        });
    }

    @Test
    void everyRunLeavesOneAuditRecordAndADryRunNothingElse() throws Exception {
        String paymentId = "dry-" + UUID.randomUUID();
        send(paymentId, new byte[]{9, 9, 9}, "evt-" + paymentId);
        awaitLetter(FailureClass.UNDESERIALIZABLE, paymentId);
        int requestsBefore = requestRecords(paymentId);

        ReplayResult dry = replayer().replay(plan(paymentId, true, false, 3));
        ReplayResult real = replayer().replay(plan(paymentId, false, false, 3));

        assertThat(dry.replayed()).hasSize(1);
        List<ReplayAudit> audits;
        try (DeadLetterReader reader = new DeadLetterReader(settings(), registry)) {
            audits = reader.audits(topics.replayAudit()).stream()
                    .filter(a -> Set.of(dry.runId(), real.runId()).contains(a.getRunId())).toList();
        }
        assertThat(audits).hasSize(2).allSatisfy(audit -> {
            assertThat(audit.getPrincipal()).isEqualTo("ops-test");
            assertThat(audit.getReason()).isEqualTo("test " + paymentId);
            assertThat(audit.getSelection()).contains("payment-id=" + paymentId);
            assertThat(audit.getReplayed()).hasSize(1);
            assertThat(audit.getPaymentIds()).containsExactly(paymentId);
        });
        assertThat(audits).filteredOn(ReplayAudit::getDryRun).singleElement()
                .satisfies(a -> assertThat(a.getRunId()).isEqualTo(dry.runId()));
        // the dry run re-published nothing: only the real run added one request record
        assertThat(requestRecords(paymentId)).isEqualTo(requestsBefore + 1);
    }

    @Test
    void replayRefusesToRunWithoutAReason() {
        int exit = new CommandLine(new Main()).execute("dlt", "replay", "--bootstrap-servers",
                stack.sandbox().kafka().bootstrapServers(), "--class", "undeserializable");
        assertThat(exit).isNotZero();
    }

    private static ReplayPlan plan(String paymentId, boolean dryRun, boolean again, int maxReplays) {
        return new ReplayPlan(new Selection(Set.of(), null, paymentId, null, null), maxReplays, 0, dryRun, again,
                "test " + paymentId);
    }

    private static Replayer replayer() {
        return new Replayer(settings(), Clock.systemUTC());
    }

    private static DltSettings settings() {
        return new DltSettings(stack.sandbox().kafka().bootstrapServers(), stack.sandbox().registry().url(), topics,
                new Properties(), "ops-test");
    }

    private static DeadLetterRecord awaitLetter(FailureClass failureClass, String paymentId) {
        return await().atMost(WAIT).until(() -> letters(failureClass, paymentId), list -> !list.isEmpty()).getFirst();
    }

    private static List<DeadLetterRecord> letters(FailureClass failureClass, String paymentId) {
        try (DeadLetterReader reader = new DeadLetterReader(settings(), registry)) {
            return reader.deadLetters(topics.deadLetter(failureClass)).stream()
                    .filter(r -> paymentId.equals(r.paymentId())).toList();
        }
    }

    private static int requestRecords(String paymentId) {
        List<ConsumerRecord<byte[], byte[]>> records = new TopicReader(stack.sandbox().kafka().bootstrapServers())
                .readAll(topics.paymentRequests().name(), Isolation.READ_UNCOMMITTED);
        return (int) records.stream().filter(r -> r.key() != null
                && paymentId.equals(new String(r.key(), StandardCharsets.UTF_8))).count();
    }

    private static List<ProviderCharge> charges(String paymentId) {
        return stack.sandbox().provider().ledger().stream().filter(c -> paymentId.equals(c.paymentId())).toList();
    }

    private static double inboxDuplicates() {
        var counter = stack.meters().find("chargeonce.processor.inbox").tags("decision", "duplicate").counter();
        return counter == null ? 0 : counter.count();
    }

    private static AvroSerde<PaymentRequested> requests() {
        return AvroSerde.forTopic(topics.paymentRequests(), registry);
    }

    private static PaymentRequested request(String paymentId, long amount) {
        return PaymentRequested.newBuilder().setEventId("evt-" + paymentId).setPaymentId(paymentId)
                .setMerchantId("merchant-dlt").setOrderId("order-" + paymentId).setCustomerId("cus_" + paymentId)
                .setAmountMinor(amount).setCurrency("EUR").setRequestedAt(Instant.now()).build();
    }

    private static void send(String key, byte[] value, String eventId) throws Exception {
        Headers headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topics.paymentRequests().name(), null, key.getBytes(StandardCharsets.UTF_8),
                value, headers)).get();
    }

    private static void chargeAtProvider(String idempotencyKey, long amount, String paymentId) throws Exception {
        String body = "{\"amount\":" + amount + ",\"currency\":\"EUR\",\"customer\":\"cus_other\",\"metadata\":{\"payment_id\":\""
                + paymentId + "\"}}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stack.sandbox().provider().url() + "/v1/charges"))
                .header("Idempotency-Key", idempotencyKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
