package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.sandbox.Component;
import io.chargeonce.sandbox.KafkaMode;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.sandbox.SandboxConfig;
import io.chargeonce.schemas.EventHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.chargeonce.relay.OutboxRelayTest.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against real crashes of what it depends on, on a sandbox of its own: Postgres killed
 * with SIGKILL and started again on the same data, the broker (a child JVM) killed and started
 * again on the same log dir. The relay is not restarted by anyone: it must recover by itself, and
 * every committed row must arrive (duplicates allowed, loss never).
 */
class RelayRecoveryTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static Sandbox sandbox;

    @TempDir
    Path workDir;
    private RelayTestBed bed;
    private OutboxRelay relay;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start(SandboxConfig.freePorts().withComponents(Component.POSTGRES, Component.KAFKA)
                .withKafkaMode(KafkaMode.CHILD_PROCESS));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        bed = RelayTestBed.create(workDir, sandbox).withOutboxTable().withRequestTopic(2);
        // a slot dropped on stop would not survive Debezium's own task restart; the bed drops it at the end
        relay = bed.startRelay(config -> config.dropSlotOnStop(false).restartBackoff(Duration.ofMillis(100))
                .restartBackoffMax(Duration.ofSeconds(1)));
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.close();
    }

    @Test
    void survives_postgres_killed_and_restarted() throws Exception {
        List<OutboxEvent> written = new ArrayList<>(bed.commit(bed.paymentEvent("pay_before_crash")));
        awaitEventIds(written);

        sandbox.postgres().kill();
        sandbox.postgres().start();
        bed.reconnect();
        written.addAll(bed.commit(bed.paymentEvent("pay_after_crash")));

        awaitEventIds(written);
        await().atMost(DEADLINE).until(relay::isRunning);
    }

    @Test
    void survives_the_broker_killed_and_restarted_and_relays_what_was_committed_meanwhile() throws Exception {
        List<OutboxEvent> written = new ArrayList<>(bed.commit(bed.paymentEvent("pay_before_crash")));
        awaitEventIds(written);

        sandbox.kafka().kill();
        written.addAll(bed.commit(bed.paymentEvent("pay_while_broker_down")));
        sandbox.kafka().start();
        written.addAll(bed.commit(bed.paymentEvent("pay_after_restart")));

        awaitEventIds(written);
        assertThat(relay.isRunning()).isTrue();
    }

    private void awaitEventIds(List<OutboxEvent> events) {
        Set<String> expected = events.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
        await().atMost(DEADLINE).until(() -> bed.received().stream()
                .map(r -> header(r, EventHeaders.EVENT_ID)).collect(Collectors.toSet()).containsAll(expected));
    }
}
