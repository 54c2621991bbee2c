package io.chargeonce.cli.cluster;

import io.chargeonce.cli.service.ManagementServer;
import io.chargeonce.outbox.OutboxMigration;
import io.chargeonce.relay.RelayConfig;
import io.chargeonce.relay.slot.ReplicationSlot;
import io.chargeonce.relay.slot.SlotState;
import io.chargeonce.sandbox.ChildJvm;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service JVM does not outlive the process that owns it ({@code CHARGEONCE_OWNER_PID}): when a
 * fault-matrix run or a test JVM is SIGKILLed, its services must not live on holding ports and
 * replication slots. {@code ServiceCommand} installs the same owner watch before it starts any of
 * api, relay and processor, so one service proves it for all three; the relay is the one with a
 * slot to hold, and with {@code CHARGEONCE_MANAGEMENT_PORT} it holds a port too. The owner is a
 * {@code sleep}, so the test JVM (which the shared sandbox's Kafka lives in) survives the kill.
 * The Kafka broker child JVM's side of the same watch is proven by the sandbox's ReaperTest.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServiceOwnerTest {

    /** A relay takes its slot, and closes its engine and producer, in seconds: {@link ServiceProcess}'s SIGTERM grace. */
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(45);
    /** What {@link ChildJvm#exitWhenOwnerDies} exits with: not a kill (137), not a fatal service error (70). */
    private static final int OWNER_GONE_EXIT = 3;

    @Test
    void aRelayWhoseOwnerIsKilledExitsAndFreesItsSlotAndPort(@TempDir Path dir) throws Exception {
        Sandbox sandbox = Sandbox.shared();
        ServiceEnvironments environments = environments(sandbox, dir);
        OutboxMigration.migrate(environments.database().dataSource());
        Process owner = new ProcessBuilder("sleep", "600").start();
        Map<String, String> env = new HashMap<>(environments.relay());
        env.put(ChildJvm.OWNER_PID_ENV, Long.toString(owner.pid()));
        env.put(ManagementServer.PORT_ENV, "0");
        ClusterOptions options = environments.options();
        ServiceProcess relay = new ServiceProcess("owned-relay", "relay", env, options.serviceJvmArgs(),
                Files.createDirectories(environments.logDir()), sandbox, options.startTimeout());
        RelayConfig config = RelayConfig.fromEnvironment(env);
        ReplicationSlot slot = new ReplicationSlot(config.database(), config.slotName());
        try {
            relay.start();
            int managementPort = managementPort(relay.readyDetail());
            // the scenario is real: the running relay holds its port and its slot (READY comes when
            // Debezium polls; its walsender takes the slot a moment later)
            assertThat(isFree(managementPort)).isFalse();
            Awaitility.await().atMost(EXIT_DEADLINE).untilAsserted(() ->
                    assertThat(slot.read()).as("slot %s", config.slotName()).map(SlotState::active).hasValue(true));

            owner.destroyForcibly(); // SIGKILL: the owner says nothing, the relay must notice by itself
            owner.waitFor();

            Awaitility.await().atMost(EXIT_DEADLINE).untilAsserted(() -> {
                assertThat(relay.isAlive()).as("relay alive").isFalse();
                assertThat(isFree(managementPort)).as("management port %d free", managementPort).isTrue();
                assertThat(slot.read()).as("slot %s", config.slotName()).map(SlotState::active).hasValue(false);
            });
            assertThat(relay.exitCode()).as(relay.logTail(20)).hasValue(OWNER_GONE_EXIT);
        } finally {
            owner.destroyForcibly();
            if (relay.isAlive()) {
                relay.kill();
            }
            // the cluster's relay keeps its slot on stop; this one must not pin the shared Postgres's WAL
            slot.drop(EXIT_DEADLINE);
        }
    }

    /** The cluster's own environments, on the shared sandbox, in a fresh database with its own slot and topics. */
    private static ServiceEnvironments environments(Sandbox sandbox, Path dir) {
        String prefix = "owned-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        DatabaseInfo database = sandbox.postgres().createDatabase("owned");
        return new ServiceEnvironments(ClusterOptions.defaults(), prefix, database, sandbox.postgres().host(),
                sandbox.postgres().port(), sandbox.kafka().bootstrapServers(), sandbox.registry().url(),
                sandbox.provider().url(), 0, List.of(), dir);
    }

    /** The relay's READY detail is {@code <slot> management <port>}. */
    private static int managementPort(String readyDetail) {
        String[] words = readyDetail.split(" ");
        assertThat(words).hasSize(3).contains("management");
        return Integer.parseInt(words[2]);
    }

    /** Whether this JVM could listen where the management server did (it binds the wildcard address). */
    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
