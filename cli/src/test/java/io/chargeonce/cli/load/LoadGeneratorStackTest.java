package io.chargeonce.cli.load;

import io.chargeonce.cli.Stack;
import io.chargeonce.cli.demo.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator against the real stack (payment-api on Postgres, relay, Kafka, processor,
 * provider simulator), two merchants, half the payments duplicated.
 *
 * <p>Expected: every planned payment accepted exactly once (one row per key in payment-api's own
 * table, one payment id per key), every duplicate really reached the API and came back as a replay
 * ({@code sends - 1} replays per payment, because each tap retries until its own 202 and only one 202
 * per key is new), and every payment's final status became visible through the API.
 */
class LoadGeneratorStackTest {

    private static Stack stack;
    private static String secondKey;

    @BeforeAll
    static void startStack() {
        stack = Stack.start(Stack.Options.freePorts("sk_test_" + UUID.randomUUID()), System.out);
        secondKey = "sk_test_" + UUID.randomUUID();
        stack.api().merchants().provision("load-merchant-2", secondKey);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void duplicatesReachTheApiAndEveryPlannedPaymentIsAcceptedExactlyOnce() throws Exception {
        LoadPlan plan = LoadPlan.builder(stack.apiUrl(), List.of(stack.apiKey(), secondKey))
                .payments(40).clients(6).duplicateRatio(0.5).seed(5).runId("stacktest")
                .statusPolling(LoadPlan.StatusPolling.everyPayment())
                .build();
        List<PaymentOutcome> outcomes;
        try (LoadRun run = new LoadGenerator(Clock.systemUTC()).start(plan)) {
            assertThat(run.awaitFinished(Duration.ofMinutes(3))).as("run finished").isTrue();
            outcomes = run.results();
            assertThat(run.progress().replays()).isEqualTo(outcomes.stream().mapToLong(PaymentOutcome::replays).sum());
            assertThat(run.postLatencies().count()).isEqualTo(outcomes.stream().mapToInt(PaymentOutcome::posts).sum());
        }

        assertThat(outcomes).hasSize(40).allSatisfy(o -> {
            assertThat(o.accepted()).as("payment %d accepted", o.spec().index()).isTrue();
            assertThat(o.otherPaymentIds()).as("second payment for key %s", o.idempotencyKey()).isEmpty();
            assertThat(o.replays()).as("replays of payment %d (%s)", o.spec().index(), o.spec().duplication())
                    .isEqualTo(o.spec().duplication().sends() - 1);
            assertThat(o.finalStatus()).isEqualTo("CONFIRMED");
            assertThat(o.journeyLatency()).isPresent();
        });
        assertThat(outcomes.stream().map(PaymentOutcome::paymentId).distinct()).hasSize(40);
        assertThat(outcomes.stream().filter(o -> o.spec().duplication() != Duplication.NONE).count())
                .as("duplicated payments").isBetween(10L, 30L);
        assertThat(outcomes.stream().map(o -> o.spec().merchant()).distinct()).containsExactlyInAnyOrder(0, 1);
        assertThat(outcomes.stream().mapToInt(PaymentOutcome::replays).sum()).isPositive();

        // payment-api's own table: one row per planned key, the row the app was told about
        Map<String, String> rows = paymentRowsByKey("load-stacktest-%");
        assertThat(rows).hasSize(40);
        assertThat(outcomes).allSatisfy(o -> assertThat(rows).containsEntry(o.idempotencyKey(), o.paymentId()));

        // and each merchant sees its own payments through the API
        ApiClient second = new ApiClient(stack.apiUrl(), secondKey);
        outcomes.stream().filter(o -> o.spec().merchant() == 1).findFirst().ifPresent(o ->
                assertThat(second.payment(o.paymentId()).paymentStatus()).isEqualTo("CONFIRMED"));
    }

    private static Map<String, String> paymentRowsByKey(String keyPattern) throws Exception {
        try (Connection connection = stack.api().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT idempotency_key, id FROM payments WHERE idempotency_key LIKE ?")) {
            query.setString(1, keyPattern);
            try (ResultSet rows = query.executeQuery()) {
                Map<String, String> byKey = new java.util.HashMap<>();
                while (rows.next()) {
                    assertThat(byKey.put(rows.getString(1), rows.getString(2))).as("one row per key").isNull();
                }
                return byKey;
            }
        }
    }
}
