package io.chargeonce.cli;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.deadletter.DeadLetterHeaders;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One payment journey through every real part: payment-api on embedded Postgres, the Debezium
 * relay, Kafka, the exactly-once processor, the schema registry and the provider simulator, under
 * duplicate and concurrent POSTs, a mismatched replay, a redelivered outbox event, a provider that
 * drops responses after charging, and a poison record.
 *
 * <p>Expected end state: every accepted payment charged at most once by the provider (its ledger
 * says so), exactly one terminal result per payment on the result topics read {@code read_committed},
 * the API serving that same status, and the poison record on the undeserializable dead-letter topic.
 */
class JourneyEndToEndTest {

    private static Stack stack;
    private static ApiClient api;

    @BeforeAll
    static void startStack() {
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID()), System.out);
        api = new ApiClient(stack.apiUrl(), stack.apiKey());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyPaymentIsChargedOnceAndHasExactlyOneResultDespiteDuplicatesDropsAndPoison() throws Exception {
        // a provider that charges and then drops 40% of its answers: the processor must reconcile by key
        stack.sandbox().provider().setFaults(ProviderFaults.none().withDropResponseRate(0.4).withLatency(5, 10).withSeed(11));

        List<String> paymentIds = new ArrayList<>();

        // 1. sequential duplicates: the same key three times gives one payment and byte-identical replays
        for (int i = 0; i < 6; i++) {
            String key = "seq-" + i + "-" + UUID.randomUUID();
            Answer first = api.createPayment(key, "order-seq-" + i, "cus_seq_" + i, 1000 + i, "EUR");
            Answer second = api.createPayment(key, "order-seq-" + i, "cus_seq_" + i, 1000 + i, "EUR");
            Answer third = api.createPayment(key, "order-seq-" + i, "cus_seq_" + i, 1000 + i, "EUR");
            assertThat(first.status()).isEqualTo(202);
            assertThat(first.replayed()).isFalse();
            assertThat(List.of(second, third)).allSatisfy(replay -> {
                assertThat(replay.status()).isEqualTo(202);
                assertThat(replay.replayed()).isTrue();
                assertThat(replay.body()).isEqualTo(first.body());
            });
            paymentIds.add(first.paymentId());
        }

        // 2. concurrent duplicates: eight taps at once with one key make exactly one payment, never a 500
        String concurrentKey = "tap-" + UUID.randomUUID();
        List<Answer> taps;
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(CompletableFuture.supplyAsync(
                        () -> api.createPayment(concurrentKey, "order-tap", "cus_tap", 4200, "EUR"), threads));
            }
            taps = futures.stream().map(CompletableFuture::join).toList();
        }
        assertThat(taps).allSatisfy(a -> assertThat(a.status()).isIn(202, 409));
        Set<String> tapPayments = taps.stream().filter(a -> a.status() == 202).map(Answer::paymentId).collect(Collectors.toSet());
        assertThat(tapPayments).hasSize(1);
        paymentIds.addAll(tapPayments);

        // 3. mismatched replay: same key, changed amount is refused and creates nothing
        String reusedKey = "reuse-" + UUID.randomUUID();
        Answer original = api.createPayment(reusedKey, "order-reuse", "cus_reuse", 500, "EUR");
        Answer mismatch = api.createPayment(reusedKey, "order-reuse", "cus_reuse", 501, "EUR");
        assertThat(original.status()).isEqualTo(202);
        assertThat(mismatch.status()).isEqualTo(422);
        assertThat(mismatch.body().path("error").path("code").asText()).isEqualTo("idempotency_key_reused");
        paymentIds.add(original.paymentId());

        // 4. a declined card ends FAILED, not silently PENDING
        Answer declined = api.createPayment("decline-" + UUID.randomUUID(), "order-decline", "cus_decline_e2e", 700, "EUR");
        assertThat(declined.status()).isEqualTo(202);
        paymentIds.add(declined.paymentId());

        // 5. a relay crash redelivers an event: re-publish the first payment's request byte for byte
        String requests = stack.topics().paymentRequests().name();
        TopicReader reader = new TopicReader(stack.sandbox().kafka().bootstrapServers());
        ConsumerRecord<byte[], byte[]> relayed = await().atMost(Duration.ofSeconds(30)).until(
                () -> reader.readAll(requests, Isolation.READ_COMMITTED).stream()
                        .filter(r -> paymentIds.get(0).equals(new String(r.key(), StandardCharsets.UTF_8)))
                        .findFirst().orElse(null),
                r -> r != null);
        String poisonKey = "poison-" + UUID.randomUUID();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(requests, null, relayed.key(), relayed.value(), relayed.headers())).get();
            // 6. a poison record: not Avro at all
            ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(requests,
                    poisonKey.getBytes(StandardCharsets.UTF_8), "{\"amount\":\"lots\"}".getBytes(StandardCharsets.UTF_8));
            poison.headers().add(EventHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            producer.send(poison).get();
        }

        // every payment reaches a final status through the API: none silently stuck
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(paymentIds)
                .allSatisfy(id -> assertThat(api.payment(id).paymentStatus()).isIn("CONFIRMED", "FAILED")));

        // the poison record is on the dead-letter topic with its error and origin, and the pipeline went on
        String dlt = stack.topics().deadLetter(FailureClass.UNDESERIALIZABLE).name();
        ConsumerRecord<byte[], byte[]> deadLetter = await().atMost(Duration.ofSeconds(30)).until(
                () -> reader.readAll(dlt, Isolation.READ_COMMITTED).stream()
                        .filter(r -> poisonKey.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElse(null),
                r -> r != null);
        assertThat(header(deadLetter, DeadLetterHeaders.TOPIC)).isEqualTo(requests);
        assertThat(header(deadLetter, DeadLetterHeaders.EXCEPTION)).isNotBlank();
        assertThat(header(deadLetter, DeadLetterHeaders.MESSAGE)).isNotBlank();
        assertThat(header(deadLetter, DeadLetterHeaders.OFFSET)).isNotBlank();

        // the provider's ledger: at most one charge per payment, exactly one success per confirmed payment
        Map<String, List<ProviderLedger.Charge>> charges = new ProviderLedger(stack.sandbox().provider().url()).charges()
                .stream().filter(c -> paymentIds.contains(c.paymentId()))
                .collect(Collectors.groupingBy(ProviderLedger.Charge::paymentId));
        assertThat(charges.values()).allSatisfy(perPayment -> assertThat(perPayment).hasSize(1));
        assertThat(stack.sandbox().provider().stats().droppedResponses())
                .as("the provider dropped answers after charging, so reconciliation was exercised").isPositive();

        // the result topics, read_committed: exactly one terminal result per payment, matching the API
        Map<String, Long> confirmed = perPayment(reader.readAll(stack.topics().paymentConfirmed().name(), Isolation.READ_COMMITTED));
        Map<String, Long> failed = perPayment(reader.readAll(stack.topics().paymentFailed().name(), Isolation.READ_COMMITTED));
        for (String id : paymentIds) {
            String status = api.payment(id).paymentStatus();
            long results = confirmed.getOrDefault(id, 0L) + failed.getOrDefault(id, 0L);
            assertThat(results).as("terminal results of %s", id).isEqualTo(1);
            if ("CONFIRMED".equals(status)) {
                assertThat(confirmed).containsEntry(id, 1L);
                assertThat(charges.get(id)).singleElement().satisfies(c -> assertThat(c.succeeded()).isTrue());
            } else {
                assertThat(failed).containsEntry(id, 1L);
                assertThat(charges.getOrDefault(id, List.of())).noneMatch(ProviderLedger.Charge::succeeded);
            }
        }
        assertThat(api.payment(declined.paymentId()).paymentStatus()).isEqualTo("FAILED");
        assertThat(new HashSet<>(paymentIds)).hasSize(paymentIds.size());
    }

    private static Map<String, Long> perPayment(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8),
                Collectors.counting()));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.sandbox().kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
