package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.relay.delivery.DeliveryFailedException;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.chargeonce.relay.OutboxRelayTest.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stops, wiped offsets and a batch Kafka refuses. In every case the promise is the same: each
 * committed row arrives (nothing lost); duplicates are allowed, so the checks are on the set of
 * event ids, plus the payload of each.
 */
class RelayRestartTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path workDir;
    private RelayTestBed bed;

    @BeforeEach
    void setUp() throws Exception {
        bed = RelayTestBed.create(workDir).withOutboxTable().withRequestTopic(2);
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.close();
    }

    @Test
    void rows_committed_while_the_relay_is_stopped_arrive_after_restart() throws Exception {
        OutboxRelay first = bed.startRelay(config -> config.dropSlotOnStop(false));
        List<OutboxEvent> written = new ArrayList<>(commitEach(5, "before"));
        awaitEventIds(written);
        first.close();
        // Once no walsender holds the slot, nothing moves it: what it retains can only grow.
        await().atMost(DEADLINE).until(() -> !bed.slot().read().orElseThrow().active());

        long retainedWhenStopped = first.retainedWalBytes().orElseThrow();
        written.addAll(commitEach(5, "while_stopped"));
        // The slot pins the WAL of everything not yet relayed: that is what makes the restart lossless.
        assertThat(first.retainedWalBytes().orElseThrow()).isGreaterThan(retainedWhenStopped);

        bed.startRelay();
        awaitEventIds(written);
        assertPayloadsMatch(written);
    }

    @Test
    void rows_committed_while_stopped_arrive_even_when_the_offset_file_was_wiped() throws Exception {
        OutboxRelay first = bed.startRelay(config -> config.dropSlotOnStop(false));
        List<OutboxEvent> written = new ArrayList<>(commitEach(3, "before"));
        awaitEventIds(written);
        first.close();

        written.addAll(commitEach(3, "while_stopped"));
        Files.delete(bed.config.offsetFile());

        bed.startRelay();
        awaitEventIds(written);
        assertPayloadsMatch(written);
    }

    @Test
    void a_batch_kafka_does_not_acknowledge_is_retried_never_skipped_and_delivered_once_kafka_takes_it() throws Exception {
        // A producer that refuses records over 1 KiB: Kafka fails the send, as it would for a
        // broker that stays unreachable past the delivery timeout.
        OutboxRelay strict = bed.startRelay(config -> config.dropSlotOnStop(false)
                .producerOverrides(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1024"))
                .restartBackoff(Duration.ofMillis(50)).restartBackoffMax(Duration.ofMillis(200)));
        List<OutboxEvent> written = new ArrayList<>(bed.commit(bed.paymentEvent("pay_small", 300)));
        awaitEventIds(written);

        OutboxEvent large = bed.paymentEvent("pay_large", 4000);
        written.addAll(bed.commit(large));
        // committed after the refused one: it must not be lost either, whatever the restarts did
        written.addAll(bed.commit(bed.paymentEvent("pay_behind_the_large_one", 300)));

        // the relay restarts its engine again and again, each time from the unacknowledged batch
        await().atMost(DEADLINE).until(() -> strict.restarts() >= 2);
        assertThat(strict.failure().orElseThrow())
                .isInstanceOf(DeliveryFailedException.class)
                .hasMessageContaining(large.id().toString())
                .hasRootCauseInstanceOf(RecordTooLargeException.class);
        strict.close();
        assertThat(eventIdsOnTopic()).doesNotContain(large.id().toString());

        bed.startRelay();
        awaitEventIds(written);
        assertPayloadsMatch(written);
    }

    @Test
    void refuses_to_resume_when_its_slot_was_dropped_rather_than_skip_what_it_missed() throws Exception {
        OutboxRelay first = bed.startRelay(config -> config.dropSlotOnStop(false));
        awaitEventIds(bed.commit(bed.paymentEvent("pay_before")));
        first.close();
        bed.slot().drop(Duration.ofSeconds(10));
        bed.commit(bed.paymentEvent("pay_never_decoded"));

        assertThatThrownBy(() -> bed.startRelay(config -> config.dropSlotOnStop(false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slot " + bed.config.slotName() + " did not exist")
                .hasMessageContaining("delete " + bed.config.offsetFile());
        // Retrying does not make the gap acceptable: a second attempt refuses too.
        assertThatThrownBy(() -> bed.startRelay(config -> config.dropSlotOnStop(false)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_throwaway_relay_forgets_its_slot_and_offsets_and_starts_afresh() throws Exception {
        OutboxRelay throwaway = bed.startRelay(config -> config.dropSlotOnStop(true));
        awaitEventIds(bed.commit(bed.paymentEvent("pay_1")));
        throwaway.close();

        assertThat(bed.slot().read()).isEmpty();
        assertThat(bed.config.offsetFile()).doesNotExist();
        bed.startRelay();
        List<OutboxEvent> after = bed.commit(bed.paymentEvent("pay_2"));
        awaitEventIds(after);
    }

    private List<OutboxEvent> commitEach(int count, String prefix) throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.addAll(bed.commit(bed.paymentEvent("pay_" + prefix + "_" + i)));
        }
        return events;
    }

    private void awaitEventIds(List<OutboxEvent> events) {
        Set<String> expected = events.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
        await().atMost(DEADLINE).until(() -> eventIdsOnTopic().containsAll(expected));
    }

    private Set<String> eventIdsOnTopic() {
        return bed.received().stream().map(r -> header(r, EventHeaders.EVENT_ID)).collect(Collectors.toSet());
    }

    private void assertPayloadsMatch(List<OutboxEvent> events) {
        Map<String, OutboxEvent> byId = events.stream().collect(Collectors.toMap(e -> e.id().toString(), e -> e));
        for (ConsumerRecord<String, byte[]> record : bed.received()) {
            OutboxEvent event = byId.get(header(record, EventHeaders.EVENT_ID));
            assertThat(event).as("record %s is one of the committed events", record).isNotNull();
            assertThat(record.key()).isEqualTo(event.aggregateId());
            assertThat(record.value()).isEqualTo(event.payload());
        }
    }
}
