package io.chargeonce.cli.story;

import io.chargeonce.cli.Main;
import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.demo.ApiClient.Answer;
import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.cli.verify.TopicReader;
import io.chargeonce.cli.verify.TopicReader.Isolation;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.sandbox.ProviderFaults;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code chargeonce payment <id>} against a real stack on free ports. The payment's story is made
 * eventful on purpose: the provider charges and then drops its answer (so the processor only learns
 * the outcome by reconciling the key), the client POSTs twice with one key, and the relay's event is
 * delivered twice. The story must still show one intent, one event (the copy absorbed), an unknown
 * outcome and its reconcile, exactly one provider charge and CONFIRMED, and judge it consistent.
 */
class PaymentCommandTest {

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
    void aDroppedResponseADuplicatePostAndARedeliveryTellOneChargeAndConfirmed() throws Exception {
        // every charge is made, then its answer is lost: attempt 1 ends unknown, the reconcile finds the charge
        stack.sandbox().provider().setFaults(ProviderFaults.none().withDropResponseRate(1.0));
        String key = "story-" + UUID.randomUUID();
        Answer first = api.createPayment(key, "order-story", "cus_story", 1250, "EUR");
        Answer again = api.createPayment(key, "order-story", "cus_story", 1250, "EUR");
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.replayed()).isTrue();
        String paymentId = first.paymentId();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(api.payment(paymentId).paymentStatus()).isEqualTo("CONFIRMED"));
        redeliver(paymentId);

        PaymentFacts facts = new FactsReader(HistorySources.of(stack), Clock.systemUTC()).read(paymentId);
        assertThat(facts.requests()).as("the relayed event and its redelivery").hasSize(2)
                .extracting(PaymentFacts.Relayed::eventId).containsOnly(facts.requests().getFirst().eventId());
        assertThat(facts.statuses()).extracting(PaymentFacts.StatusChange::status)
                .containsExactly(PaymentStatus.PENDING, PaymentStatus.CONFIRMED);
        assertThat(facts.ledger()).singleElement().satisfies(c -> assertThat(c.succeeded()).isTrue());
        assertThat(facts.lookup()).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(facts.ledger().getFirst().id()));

        Run run = run("payment", paymentId);
        assertThat(run.exit()).as("exit code; output:%n%s%s", run.out(), run.err()).isZero();
        String story = run.out();
        String chargeId = facts.ledger().getFirst().id();
        assertThat(story)
                .contains("the story of payment " + paymentId)
                .contains("intent: merchant " + stack.merchantId() + ", order order-story, 12.50 EUR")
                .contains("idempotency key \"" + key.substring(0, Intent.KEY_PREFIX_CHARS) + "…\"")
                .doesNotContain(key)
                .containsPattern("outbox event \\S+ relayed to Kafka \\d+ ms after the intent was written")
                .contains("a redelivery").contains("drops it as a duplicate event id")
                .contains("first delivery of event")
                .contains("status PENDING, attempt 1 outcome unknown")
                .contains("status CONFIRMED, attempt 2, charge " + chargeId)
                .containsPattern("provider ledger\\s+charge " + chargeId + " succeeded")
                .contains("key chargeonce-" + paymentId + ": " + chargeId + " succeeded")
                .contains("result CONFIRMED: charge " + chargeId)
                .contains("verdict: charged 1 time, 1 result, payment-api serves CONFIRMED, 2 request records of 1 event "
                        + "(1 redelivery absorbed), 0 dead letters — consistent");
        // time order: intent, relay, the unknown outcome, then CONFIRMED
        assertThat(story.indexOf("intent: merchant")).isLessThan(story.indexOf("relayed to Kafka"));
        assertThat(story.indexOf("relayed to Kafka")).isLessThan(story.indexOf("status PENDING"));
        assertThat(story.indexOf("status PENDING")).isLessThan(story.indexOf("status CONFIRMED"));
    }

    @Test
    void anUnknownPaymentExitsOneAndSaysSo() {
        String unknown = UUID.randomUUID().toString();
        Run run = run("payment", unknown);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("unknown payment " + unknown).contains("has no such intent");
        assertThat(run.out()).isEmpty();

        Run notAnId = run("payment", "not-a-payment-id");
        assertThat(notAnId.exit()).isEqualTo(1);
        assertThat(notAnId.err()).contains("unknown payment not-a-payment-id");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        HistorySources sources = HistorySources.of(stack);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", sources.jdbcUrl(), "--jdbc-user", sources.jdbcUser(),
                "--jdbc-password", sources.jdbcPassword(), "--bootstrap-servers", sources.bootstrapServers(),
                "--registry-url", sources.registryUrl(), "--provider-url", sources.providerUrl()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        System.out.print(out);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Re-publishes the payment's request record byte for byte, as a relay restarted before its offset flush would. */
    private static void redeliver(String paymentId) throws Exception {
        String requests = stack.topics().paymentRequests().name();
        ConsumerRecord<byte[], byte[]> relayed = new TopicReader(stack.sandbox().kafka().bootstrapServers())
                .readAll(requests, Isolation.READ_COMMITTED).stream()
                .filter(r -> paymentId.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.sandbox().kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(requests, null, relayed.key(), relayed.value(), relayed.headers())).get();
        }
    }
}
