package io.chargeonce.cli.cluster;

import io.chargeonce.cli.demo.ApiClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fault harness costs: cluster start, each component's restart after kill -9 and after
 * SIGTERM, how long until a payment accepted right after the restart is CONFIRMED, and resident
 * memory per process. Prints a table; asserts only that every payment completed, never a timing
 * (the machine is shared). Not part of the default run (its name is no test's); run with
 * {@code ./mvnw -o -pl cli test -Dtest=ProcessClusterBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ProcessClusterBenchmark {

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void startRestartAndMemory() {
        List<String> rows = new ArrayList<>();
        try (ProcessCluster cluster = ProcessCluster.start(ClusterOptions.defaults())) {
            ApiClient client = new ApiClient(cluster.apiUrl(), cluster.apiKey(0));
            rows.add(String.format("cluster start (infrastructure + services): %d ms", cluster.startTime().toMillis()));
            long firstPayment = System.nanoTime();
            confirmed(client);
            rows.add(String.format("first payment to CONFIRMED: %d ms", (System.nanoTime() - firstPayment) / 1_000_000));
            for (int i = 0; i < 20; i++) {
                confirmed(client); // warm: memory after some work, not after an idle start
            }
            rows.add("resident memory after 21 payments:");
            for (ClusterNode node : cluster.nodes()) {
                rows.add(String.format("  %-12s %4d MB", node.name(), node.residentBytes() / (1024 * 1024)));
            }
            rows.add(String.format("  %-12s %4d MB (registry child JVM and this JVM's provider not counted)", "this JVM",
                    ProcessMemory.residentBytes(ProcessHandle.current().pid()) / (1024 * 1024)));
            rows.add("restart: start() until serving | next payment accepted until CONFIRMED");
            for (ClusterNode node : cluster.nodes()) {
                rows.add(restart(node, "kill -9", ClusterNode::kill, client));
                rows.add(restart(node, "SIGTERM", ClusterNode::terminate, client));
            }
        }
        rows.forEach(System.out::println);
        assertThat(rows).isNotEmpty();
    }

    private static String restart(ClusterNode node, String how, Consumer<ClusterNode> stop, ApiClient client) {
        stop.accept(node);
        node.start();
        long accepted = System.nanoTime();
        confirmed(client);
        return String.format("  %-12s %-8s %6d ms | %6d ms", node.name(), how, node.lastStartTime().toMillis(),
                (System.nanoTime() - accepted) / 1_000_000);
    }

    private static void confirmed(ApiClient client) {
        String key = "bench-" + UUID.randomUUID();
        await().atMost(DEADLINE).until(() -> client.createPayment(key, "order-bench", "cus_bench", 1500, "EUR").status() == 202);
        String paymentId = client.createPayment(key, "order-bench", "cus_bench", 1500, "EUR").paymentId();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> "CONFIRMED".equals(client.payment(paymentId).paymentStatus()));
    }
}
