package io.chargeonce.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import io.chargeonce.cli.verify.ProviderLedger;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.events.RefundSettled;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.ProcessorMetrics;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refunds through every real part: payment-api's refund endpoints on embedded Postgres, the relay,
 * the processor's refund ledger, the provider simulator's {@code /v1/refunds}, the status inbox back
 * into payment-api. A payment is refunded in two parts (one request replayed after a lost answer),
 * a third refund asks too much, a declined payment cannot be refunded; then, with a provider that
 * drops every answer after deciding, a refund still happens exactly once because the processor
 * looks it up by its key.
 *
 * <p>Expected end state: the provider's ledger holds exactly one refund per refund id under
 * {@code chargeonce-refund-<refundId>}, summing to no more than the payment; the refund results
 * topic ({@code read_committed}) holds exactly one {@code RefundSettled} per refund; the API's
 * history tells the payment's and each refund's state changes in order.
 */
class RefundJourneyTest {

    private static final Duration SETTLE = Duration.ofSeconds(90);

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
    void aPaymentIsRefundedInTwoPartsOnceEachAndNeverBeyondItsAmount() {
        stack.sandbox().provider().setFaults(ProviderFaults.none());
        String paymentId = confirmedPayment(10_000);

        String keyK = "refund-" + UUID.randomUUID();
        Answer part = api.createRefund(paymentId, keyK, 3_000L, "requested_by_customer");
        assertThat(part.status()).as("first refund: %s", part.text()).isEqualTo(202);
        assertThat(part.replayed()).isFalse();
        String firstRefund = part.refundId();
        assertThat(part.body().path("paymentId").asText()).isEqualTo(paymentId);
        assertThat(part.paymentStatus()).isEqualTo("PENDING");
        assertThat(part.body().path("amount").asLong()).isEqualTo(3_000);
        assertThat(part.body().path("currency").asText()).isEqualTo("EUR");
        assertThat(part.body().path("reason").asText()).isEqualTo("requested_by_customer");
        assertThat(part.location()).endsWith("/payments/" + paymentId + "/refunds/" + firstRefund);

        // the answer was "lost": the same key and body again is the same refund, replayed byte for byte
        Answer replay = api.createRefund(paymentId, keyK, 3_000L, "requested_by_customer");
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.text()).isEqualTo(part.text());

        // the rest, under another key, the amount left out: the API fills in what is still refundable
        Answer rest = api.createRefund(paymentId, "refund-" + UUID.randomUUID(), null, null);
        assertThat(rest.status()).as("second refund: %s", rest.text()).isEqualTo(202);
        assertThat(rest.body().path("amount").asLong()).isEqualTo(7_000);
        String secondRefund = rest.refundId();
        assertThat(secondRefund).isNotEqualTo(firstRefund);

        // nothing is left: even one cent more is refused and not frozen under its key
        Answer tooMuch = api.createRefund(paymentId, "refund-" + UUID.randomUUID(), 1L, null);
        assertThat(tooMuch.status()).as("third refund: %s", tooMuch.text()).isEqualTo(422);
        assertThat(tooMuch.errorCode()).isEqualTo("refund_exceeds_payment");

        // a declined payment moved no money, so nothing can be refunded
        String declined = settledPayment("cus_decline_refund_" + UUID.randomUUID(), 500, "FAILED");
        Answer notConfirmed = api.createRefund(declined, "refund-" + UUID.randomUUID(), null, null);
        assertThat(notConfirmed.status()).as("refund of a declined payment: %s", notConfirmed.text()).isEqualTo(409);
        assertThat(notConfirmed.errorCode()).isEqualTo("payment_not_refundable");
        assertThat(api.refunds(declined).body().path("refunds")).isEmpty();

        awaitRefund(paymentId, firstRefund, "SUCCEEDED");
        awaitRefund(paymentId, secondRefund, "SUCCEEDED");
        JsonNode view = api.payment(paymentId).body();
        assertThat(view.path("status").asText()).as("the payment stays CONFIRMED after its refunds").isEqualTo("CONFIRMED");
        assertThat(view.path("amountRefunded").asLong()).isEqualTo(10_000);
        assertThat(refundIds(view.path("refunds"))).containsExactly(firstRefund, secondRefund);
        assertThat(refundIds(api.refunds(paymentId).body().path("refunds"))).containsExactly(firstRefund, secondRefund);

        // the provider's own ledger: one refund per refund id, under the key derived from it, summing to the payment
        List<ProviderLedger.Refund> made = providerRefunds(paymentId);
        assertThat(made).extracting(ProviderLedger.Refund::refundId).containsExactlyInAnyOrder(firstRefund, secondRefund);
        assertThat(made).allSatisfy(r -> assertThat(r.idempotencyKey()).isEqualTo("chargeonce-refund-" + r.refundId()));
        assertThat(made.stream().mapToLong(ProviderLedger.Refund::amount).sum()).isEqualTo(10_000);
        assertThat(providerRefunds(declined)).isEmpty();

        // the audit trail, oldest first: the payment's changes, then each refund's. A PENDING the
        // processor reports while it works may repeat a PENDING row; the moves between states may not.
        List<String> trail = trail(paymentId);
        assertThat(moves(trail, "payment")).containsExactly("payment PENDING", "payment CONFIRMED");
        assertThat(moves(trail, firstRefund))
                .containsExactly("refund " + firstRefund + " PENDING", "refund " + firstRefund + " SUCCEEDED");
        assertThat(moves(trail, secondRefund))
                .containsExactly("refund " + secondRefund + " PENDING", "refund " + secondRefund + " SUCCEEDED");
        assertThat(trail.indexOf("payment CONFIRMED")).isLessThan(trail.indexOf("refund " + firstRefund + " PENDING"));
        assertThat(trail.indexOf("refund " + firstRefund + " PENDING")).isLessThan(trail.indexOf("refund " + secondRefund + " PENDING"));

        // exactly one result per refund, read_committed, agreeing with the provider
        Map<String, List<RefundSettled>> settled = settledByRefund(paymentId);
        assertThat(settled).containsOnlyKeys(firstRefund, secondRefund);
        assertThat(settled.values()).allSatisfy(results -> assertThat(results).singleElement()
                .satisfies(r -> assertThat(r.getStatus()).isEqualTo(RefundStatus.SUCCEEDED)));
        assertThat(settled.get(firstRefund).getFirst().getAmountMinor()).isEqualTo(3_000);
        assertThat(settled.get(secondRefund).getFirst().getAmountMinor()).isEqualTo(7_000);
        assertThat(settledByRefund(declined)).isEmpty();
    }

    @Test
    void aRefundWhoseEveryAnswerIsDroppedIsStillMadeExactlyOnce() {
        stack.sandbox().provider().setFaults(ProviderFaults.none());
        String paymentId = confirmedPayment(5_000);
        long droppedBefore = stack.sandbox().provider().stats().droppedResponses();
        double lookupsFoundBefore = refundCalls("lookup", "succeeded");
        double unknownBefore = refundCalls("refund", "unknown");

        // the provider refunds, then closes the connection without an answer, every time
        stack.sandbox().provider().setFaults(ProviderFaults.none().withDropResponseRate(1.0));
        try {
            Answer refund = api.createRefund(paymentId, "refund-" + UUID.randomUUID(), 2_000L, null);
            assertThat(refund.status()).as("refund: %s", refund.text()).isEqualTo(202);
            String refundId = refund.refundId();

            awaitRefund(paymentId, refundId, "SUCCEEDED");
            assertThat(stack.sandbox().provider().stats().droppedResponses())
                    .as("the provider dropped the refund's answer").isGreaterThan(droppedBefore);
            assertThat(refundCalls("refund", "unknown")).as("the processor saw the refund's outcome as unknown")
                    .isGreaterThan(unknownBefore);
            assertThat(refundCalls("lookup", "succeeded")).as("and settled it by looking the refund up by its key")
                    .isGreaterThan(lookupsFoundBefore);
            assertThat(providerRefunds(paymentId)).singleElement().satisfies(r -> {
                assertThat(r.refundId()).isEqualTo(refundId);
                assertThat(r.idempotencyKey()).isEqualTo("chargeonce-refund-" + refundId);
                assertThat(r.amount()).isEqualTo(2_000);
            });
            assertThat(settledByRefund(paymentId)).containsOnlyKeys(refundId).allSatisfy((id, results) ->
                    assertThat(results).singleElement().satisfies(r -> {
                        assertThat(r.getStatus()).isEqualTo(RefundStatus.SUCCEEDED);
                        assertThat(r.getProviderRefundId()).isNotNull();
                    }));
            assertThat(api.payment(paymentId).body().path("amountRefunded").asLong()).isEqualTo(2_000);
        } finally {
            stack.sandbox().provider().setFaults(ProviderFaults.none());
        }
    }

    private static double refundCalls(String call, String outcome) {
        Counter counter = stack.meters().find(ProcessorMetrics.PROVIDER_REFUND_CALLS)
                .tag("call", call).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String confirmedPayment(long amount) {
        return settledPayment("cus_refund_" + UUID.randomUUID(), amount, "CONFIRMED");
    }

    private static String settledPayment(String customer, long amount, String expected) {
        Answer created = api.createPayment("pay-" + UUID.randomUUID(), "order-" + UUID.randomUUID(), customer, amount, "EUR");
        assertThat(created.status()).as("payment: %s", created.text()).isEqualTo(202);
        String paymentId = created.paymentId();
        await().atMost(SETTLE).untilAsserted(() -> assertThat(api.payment(paymentId).paymentStatus()).isEqualTo(expected));
        return paymentId;
    }

    private static void awaitRefund(String paymentId, String refundId, String expected) {
        await().atMost(SETTLE).untilAsserted(() -> {
            Answer view = api.refund(paymentId, refundId);
            assertThat(view.status()).isEqualTo(200);
            assertThat(view.paymentStatus()).as("refund %s", refundId).isEqualTo(expected);
        });
    }

    private static List<String> refundIds(JsonNode refunds) {
        List<String> ids = new ArrayList<>();
        refunds.forEach(r -> ids.add(r.path("refundId").asText()));
        return ids;
    }

    /** The history as "payment STATUS" and "refund ID STATUS" lines, in the order the API serves them. */
    private static List<String> trail(String paymentId) {
        Answer history = api.history(paymentId);
        assertThat(history.status()).as("history: %s", history.text()).isEqualTo(200);
        assertThat(history.paymentId()).isEqualTo(paymentId);
        List<String> lines = new ArrayList<>();
        for (JsonNode row : history.body().path("history")) {
            String subject = row.path("subject").asText();
            lines.add("refund".equals(subject)
                    ? "refund " + row.path("refundId").asText() + " " + row.path("status").asText()
                    : subject + " " + row.path("status").asText());
        }
        return lines;
    }

    /** The lines of one subject ("payment" or a refund id) with consecutive repeats of a status folded into one. */
    private static List<String> moves(List<String> trail, String subject) {
        List<String> moves = new ArrayList<>();
        trail.stream().filter(line -> line.startsWith(subject) || line.startsWith("refund " + subject)).forEach(line -> {
            if (moves.isEmpty() || !moves.getLast().equals(line)) {
                moves.add(line);
            }
        });
        return moves;
    }

    private static List<ProviderLedger.Refund> providerRefunds(String paymentId) {
        return new ProviderLedger(stack.sandbox().provider().url()).read().refunds().stream()
                .filter(r -> paymentId.equals(r.paymentId())).toList();
    }

    private static Map<String, List<RefundSettled>> settledByRefund(String paymentId) {
        String topic = stack.topics().refundResults().name();
        List<ConsumerRecord<byte[], byte[]>> records = new TopicReader(stack.sandbox().kafka().bootstrapServers())
                .readAll(topic, Isolation.READ_COMMITTED).stream()
                .filter(r -> paymentId.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
        try (SchemaRegistryClient registry = new SchemaRegistryClient(stack.sandbox().registry().url())) {
            AvroSerde<RefundSettled> serde = AvroSerde.forTopic(stack.topics().refundResults(), registry);
            return records.stream().map(r -> serde.deserialize(topic, r.value()))
                    .collect(Collectors.groupingBy(r -> r.getRefundId().toString()));
        }
    }
}
