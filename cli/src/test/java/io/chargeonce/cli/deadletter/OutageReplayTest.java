package io.chargeonce.cli.deadletter;

import io.chargeonce.cli.Main;
import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.cli.verify.Backlog;
import io.chargeonce.cli.verify.Drain;
import io.chargeonce.cli.verify.HistoryReader;
import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.cli.verify.HistoryVerifier;
import io.chargeonce.cli.verify.Verdict;
import io.chargeonce.events.FailureClass;
import io.chargeonce.processor.ProcessorConfig;
import io.chargeonce.processor.gateway.IdempotencyKeys;
import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.sandbox.ProviderFaults;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider outage on the real in-process stack, and the operator's way back. With the processor
 * giving up after 2 attempts, a provider answering 503 to everything strands three new payments and
 * a refund of a payment confirmed before the outage: each goes NEEDS_ATTENTION with exactly one
 * provider-terminal dead letter, all four under ONE fingerprint (one outage, one fingerprint), so
 * the operator can select them together. Once the provider recovers, {@code chargeonce dlt replay
 * --class provider-terminal --fingerprint F} re-publishes them and the ledger re-drives each with
 * its own idempotency key.
 *
 * <p>Expected end state: every payment CONFIRMED and the refund SUCCEEDED through the API; the
 * provider's ledger holds exactly one succeeded charge per payment and one refund for the refund;
 * no new dead letter for any of them (the re-drive did not fail again); and the history verifier,
 * judging the drained history (API table, topics read_committed, provider ledger), finds no violation.
 */
class OutageReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int STRANDED_PAYMENTS = 3;

    private static Stack stack;
    private static ApiClient api;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void startStack() {
        // 2 attempts, backoff at most 200 ms: an outage exhausts a payment's retries in about a second
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID())
                .withProcessor(OutageReplayTest::givesUpQuickly), System.out);
        api = new ApiClient(stack.apiUrl(), stack.apiKey());
        registry = new SchemaRegistryClient(stack.sandbox().registry().url());
    }

    private static ProcessorConfig.Builder givesUpQuickly(ProcessorConfig.Builder processor) {
        return processor.maxAttempts(2).retryBaseBackoff(Duration.ofMillis(50)).retryMaxBackoff(Duration.ofMillis(200));
    }

    @AfterAll
    static void stopStack() {
        if (registry != null) {
            registry.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aReplayAfterTheOutageCompletesEveryStrandedPaymentAndRefundChargingEachOnce() throws Exception {
        String refunded = api.createPayment("before-" + UUID.randomUUID(), "order-before", "cus_before", 2400, "EUR").paymentId();
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(api.payment(refunded).paymentStatus()));

        // the outage: every charge, refund and lookup is answered 503, nothing is charged or refunded
        stack.sandbox().provider().setFaults(ProviderFaults.none().withServerErrorRate(1.0));
        String refundId = api.createRefund(refunded, "refund-" + UUID.randomUUID(), 700L, "requested_by_customer").refundId();
        List<String> stranded = new ArrayList<>();
        for (int i = 0; i < STRANDED_PAYMENTS; i++) {
            stranded.add(api.createPayment("outage-" + i + "-" + UUID.randomUUID(), "order-outage-" + i, "cus_outage_" + i,
                    1000 + i, "EUR").paymentId());
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(stranded).allSatisfy(id -> assertThat(api.payment(id).paymentStatus()).isEqualTo("NEEDS_ATTENTION"));
            assertThat(refundStatus(refunded, refundId)).isEqualTo("NEEDS_ATTENTION");
        });
        assertThat(stack.sandbox().provider().stats().serverErrors()).as("the processor met the outage").isPositive();

        // one dead letter each (the refund's is keyed by its payment), all under one fingerprint
        Set<String> keys = new LinkedHashSet<>(stranded);
        keys.add(refunded);
        List<DeadLetterRecord> letters = await().atMost(WAIT).until(() -> providerTerminal(keys),
                found -> found.stream().map(DeadLetterRecord::paymentId).collect(Collectors.toSet()).equals(keys));
        assertThat(letters).hasSize(keys.size());
        assertThat(letters).filteredOn(r -> refunded.equals(r.paymentId())).singleElement()
                .satisfies(r -> assertThat(r.letter().getOriginTopic()).isEqualTo(stack.topics().refundRequests().name()));
        Set<String> fingerprints = letters.stream().map(DeadLetterRecord::fingerprint).collect(Collectors.toSet());
        assertThat(fingerprints).as("one outage, one fingerprint").hasSize(1);
        String fingerprint = fingerprints.iterator().next();

        // the provider recovers; the operator replays the outage's dead letters, as from a shell
        stack.sandbox().provider().setFaults(ProviderFaults.none());
        int exit = new CommandLine(new Main()).execute("dlt", "replay",
                "--bootstrap-servers", stack.sandbox().kafka().bootstrapServers(),
                "--registry-url", stack.sandbox().registry().url(),
                "--class", "provider-terminal", "--fingerprint", fingerprint,
                "--reason", "provider outage over, re-drive what chargeonce gave up on");
        assertThat(exit).isZero();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(stranded).allSatisfy(id -> assertThat(api.payment(id).paymentStatus()).isEqualTo("CONFIRMED"));
            assertThat(refundStatus(refunded, refundId)).isEqualTo("SUCCEEDED");
        });
        List<ProviderCharge> ledger = stack.sandbox().provider().ledger();
        for (String id : stranded) {
            assertThat(ledger).filteredOn(c -> id.equals(c.paymentId())).as("charges of %s", id).singleElement()
                    .satisfies(c -> {
                        assertThat(c.status()).isEqualTo(ProviderCharge.SUCCEEDED);
                        assertThat(c.idempotencyKey()).as("re-driven with its own key").isEqualTo(IdempotencyKeys.forPayment(id));
                    });
        }
        assertThat(stack.sandbox().provider().refunds()).filteredOn(r -> refunded.equals(r.paymentId()))
                .singleElement().satisfies(r -> {
                    assertThat(r.refundId()).isEqualTo(refundId);
                    assertThat(r.idempotencyKey()).isEqualTo(IdempotencyKeys.forRefund(refundId));
                    assertThat(r.amount()).isEqualTo(700L);
                });

        // the whole history, drained, holds; and the re-drives were not dead-lettered again
        try (HistoryReader reader = new HistoryReader(HistorySources.of(stack), Clock.systemUTC())) {
            Drain drain = reader.awaitDrained(Instant.now().plus(WAIT));
            assertThat(drain.drained()).as("drained: %s", drain).isTrue();
            Verdict verdict = new HistoryVerifier(Backlog.DRAINED).verify(reader.read());
            assertThat(verdict.violations()).as(verdict.oneLine()).isEmpty();
            assertThat(verdict.statistics().confirmed()).isEqualTo(STRANDED_PAYMENTS + 1);
        }
        assertThat(providerTerminal(keys)).hasSize(keys.size());
    }

    private static String refundStatus(String paymentId, String refundId) {
        return api.refund(paymentId, refundId).body().path("status").asText(null);
    }

    private static List<DeadLetterRecord> providerTerminal(Set<String> paymentIds) {
        DltSettings settings = new DltSettings(stack.sandbox().kafka().bootstrapServers(), stack.sandbox().registry().url(),
                stack.topics(), new Properties(), "ops-test");
        try (DeadLetterReader reader = new DeadLetterReader(settings, registry)) {
            return reader.deadLetters(stack.topics().deadLetter(FailureClass.PROVIDER_TERMINAL)).stream()
                    .filter(r -> paymentIds.contains(r.paymentId())).toList();
        }
    }
}
