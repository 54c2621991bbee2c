package io.chargeonce.cli.cluster;

import io.chargeonce.cli.demo.ApiClient;
import io.chargeonce.sandbox.ProviderCharge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Smoke tests of the fault harness: chargeonce as separate processes, hit by real signals. Each
 * test leaves every process running again, so they share one cluster (starting one costs most of
 * the class's time). What each fault must not break: a payment accepted before or during the fault
 * is charged exactly once and reaches its final status; the API answers honestly meanwhile.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProcessClusterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static ProcessCluster cluster;
    private static ApiClient client;
    private static final List<Long> pidsSeen = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.start(ClusterOptions.defaults());
        client = new ApiClient(cluster.apiUrl(), cluster.apiKey(0));
    }

    @AfterAll
    static void closeLeavesNothingRunning() {
        cluster.nodes().stream().filter(ClusterNode::isAlive).forEach(node -> pidsSeen.add(node.pid()));
        cluster.close();

        assertThat(pidsSeen).allSatisfy(pid -> assertThat(alive(pid)).as("process %d after close", pid).isFalse());
        assertThat(cluster.workDir()).doesNotExist();
    }

    @Test
    void aPaymentGoesThroughServicesThatAreProcessesOfTheirOwn() {
        List<ClusterNode> services = List.of(cluster.api(), cluster.relay(), cluster.processors().getFirst());
        assertThat(services).allSatisfy(node -> assertThat(node.pid()).isNotEqualTo(ProcessHandle.current().pid()));
        assertThat(services).extracting(ClusterNode::pid).doesNotHaveDuplicates();

        String paymentId = pay("through-processes");

        awaitFinal(paymentId);
        assertChargedOnce(paymentId);
    }

    @Test
    void theRelayKilledMinus9LosesNothingAndRelaysAgainAfterStart() {
        String before = pay("before-relay-kill");
        awaitFinal(before);

        cluster.relay().kill();
        assertThat(cluster.relay().isAlive()).isFalse();
        // accepted while no relay runs: the outbox row waits in the WAL, behind the slot
        String during = pay("while-relay-dead");
        assertThat(client.payment(during).paymentStatus()).isEqualTo("PENDING");
        cluster.relay().start();
        String after = pay("after-relay-start");

        awaitFinal(during);
        awaitFinal(after);
        assertThat(client.payment(before).paymentStatus()).isEqualTo("CONFIRMED");
        List.of(before, during, after).forEach(ProcessClusterTest::assertChargedOnce);
    }

    @Test
    void theBrokerKilledMinus9ComesBackAndPaymentsStillComplete() {
        String before = pay("before-broker-kill");
        awaitFinal(before);
        long brokerPid = cluster.kafka().pid();

        cluster.kafka().kill();
        assertThat(alive(brokerPid)).isFalse();
        // the API only needs Postgres to accept a payment; the relay keeps it until Kafka is back
        String during = pay("while-broker-dead");
        cluster.kafka().start();
        String after = pay("after-broker-start");

        awaitFinal(during);
        awaitFinal(after);
        List.of(before, during, after).forEach(ProcessClusterTest::assertChargedOnce);
    }

    @Test
    void postgresKilledMinus9MakesTheApiAnswer503AndThen202() {
        String before = pay("before-postgres-kill");
        awaitFinal(before);

        cluster.postgres().kill();

        ApiClient.Answer down = client.createPayment("while-postgres-dead-" + UUID.randomUUID(), "order-1", "cus_1",
                1999, "EUR");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body().path("error").path("code").asText()).isEqualTo("service_unavailable");
        cluster.postgres().start();
        String key = "after-postgres-start-" + UUID.randomUUID();
        // the pool replaces its broken connections on first use: the first request after the restart may still fail
        await().atMost(DEADLINE).until(() -> client.createPayment(key, "order-1", "cus_1", 1999, "EUR").status() == 202);
        String after = client.createPayment(key, "order-1", "cus_1", 1999, "EUR").paymentId();

        awaitFinal(after);
        assertThat(client.payment(before).paymentStatus()).isEqualTo("CONFIRMED");
        List.of(before, after).forEach(ProcessClusterTest::assertChargedOnce);
    }

    @Test
    void theApiKilledMinus9ComesBackOnTheSamePortWithEverythingItHad() {
        String before = pay("before-api-kill");
        String url = cluster.apiUrl();

        cluster.api().kill();
        assertThatThrownBy(() -> client.payment(before)).isInstanceOf(UncheckedIOException.class);
        cluster.api().start();

        assertThat(cluster.apiUrl()).isEqualTo(url);
        assertThat(cluster.api().readyDetail()).isEqualTo(url.substring(url.lastIndexOf(':') + 1));
        awaitFinal(before);
        assertChargedOnce(before);
    }

    private static String pay(String keyPrefix) {
        ApiClient.Answer answer = client.createPayment(keyPrefix + "-" + UUID.randomUUID(), "order-" + keyPrefix,
                "cus_" + keyPrefix, 1999, "EUR");
        assertThat(answer.status()).as("POST /payments answered %s", answer.body()).isEqualTo(202);
        return answer.paymentId();
    }

    private static void awaitFinal(String paymentId) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> "CONFIRMED".equals(client.payment(paymentId).paymentStatus()));
    }

    private static void assertChargedOnce(String paymentId) {
        List<ProviderCharge> charges = cluster.provider().ledger().stream()
                .filter(charge -> paymentId.equals(charge.paymentId()))
                .toList();
        assertThat(charges).as("charges of payment %s", paymentId).hasSize(1);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
