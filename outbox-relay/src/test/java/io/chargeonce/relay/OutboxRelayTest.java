package io.chargeonce.relay;

import io.chargeonce.outbox.OutboxEvent;
import io.chargeonce.relay.delivery.RelayMetrics;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The relay against real Postgres, real Debezium and a real broker: what arrives, with which key,
 * headers and bytes; what never arrives; and per-payment order.
 */
class OutboxRelayTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path workDir;
    private RelayTestBed bed;

    @BeforeEach
    void setUp() throws Exception {
        bed = RelayTestBed.create(workDir).withOutboxTable().withRequestTopic(3);
    }

    @AfterEach
    void tearDown() throws Exception {
        bed.close();
    }

    @Test
    void relays_each_committed_row_keyed_by_payment_with_its_headers_and_payload_bytes_untouched() throws Exception {
        OutboxRelay relay = bed.startRelay();
        OutboxEvent withoutTrace = withoutTraceparent(bed.paymentEvent("pay_3"));
        List<OutboxEvent> written = new ArrayList<>(bed.commit(bed.paymentEvent("pay_1"), bed.paymentEvent("pay_2")));
        written.addAll(bed.commit(withoutTrace));

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(written.size());

        Map<String, ConsumerRecord<String, byte[]>> byEventId = records.stream()
                .collect(Collectors.toMap(r -> header(r, EventHeaders.EVENT_ID), Function.identity()));
        assertThat(byEventId).hasSize(written.size());
        for (OutboxEvent event : written) {
            ConsumerRecord<String, byte[]> record = byEventId.get(event.id().toString());
            assertThat(record).as("record for outbox event %s", event.id()).isNotNull();
            assertThat(record.key()).isEqualTo(event.aggregateId());
            assertThat(record.value()).isEqualTo(event.payload());
            assertThat(header(record, EventHeaders.EVENT_TYPE)).isEqualTo(event.type());
            assertThat(header(record, EventHeaders.TRACEPARENT)).isEqualTo(event.traceparent());
        }
        assertThat(relay.relayedCount()).isEqualTo(written.size());
        assertThat(relay.metrics().commitToAck().count()).isEqualTo(written.size());
        assertThat(bed.meters.get(RelayMetrics.RELAYED).tag("topic", bed.topics.paymentRequests().name())
                .counter().count()).isEqualTo(written.size());
    }

    @Test
    void deletes_and_rolled_back_rows_produce_no_records() throws Exception {
        bed.startRelay();
        List<OutboxEvent> committed = bed.commit(bed.paymentEvent("pay_1"), bed.paymentEvent("pay_2"));
        bed.rollBack(bed.paymentEvent("pay_rolled_back"));
        // The relay sends in WAL order and finishes each batch before the next, so once this
        // last row is in Kafka, whatever the earlier deletes or the rollback produced is too.
        OutboxEvent last = bed.commit(bed.paymentEvent("pay_last")).getFirst();

        await().atMost(DEADLINE).until(() -> bed.received().stream()
                .anyMatch(r -> header(r, EventHeaders.EVENT_ID).equals(last.id().toString())));

        assertThat(bed.recordsOnTopic()).isEqualTo(committed.size() + 1);
        assertThat(bed.received()).allSatisfy(record -> assertThat(record.value()).isNotNull())
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("pay_1", "pay_2", "pay_last");
        // The deletes are not even decoded: Postgres does not publish them to the relay.
        assertThat(bed.publicationOperations()).containsEntry("insert", true).containsEntry("delete", false);
    }

    @Test
    void keeps_each_payments_events_in_commit_order() throws Exception {
        bed.startRelay();
        List<String> payments = List.of("pay_a", "pay_b", "pay_c", "pay_d", "pay_e");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (int round = 0; round < 12; round++) {
            // Interleave payments, some transactions carrying several events, as a busy API would.
            List<OutboxEvent> transaction = new ArrayList<>();
            for (String payment : payments) {
                OutboxEvent event = bed.paymentEvent(payment);
                expected.computeIfAbsent(payment, p -> new ArrayList<>()).add(event.id().toString());
                transaction.add(event);
                if (transaction.size() == 1 + round % 3) {
                    bed.commit(transaction.toArray(OutboxEvent[]::new));
                    transaction.clear();
                }
            }
            if (!transaction.isEmpty()) {
                bed.commit(transaction.toArray(OutboxEvent[]::new));
            }
        }
        int total = expected.values().stream().mapToInt(List::size).sum();

        List<ConsumerRecord<String, byte[]>> records = awaitRecords(total);

        Map<String, List<String>> arrived = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                LinkedHashMap::new, Collectors.mapping(r -> header(r, EventHeaders.EVENT_ID), Collectors.toList())));
        assertThat(arrived).containsExactlyInAnyOrderEntriesOf(expected);
        Map<String, Set<Integer>> partitionsByPayment = records.stream().collect(Collectors.groupingBy(
                ConsumerRecord::key, Collectors.mapping(ConsumerRecord::partition, Collectors.toSet())));
        assertThat(partitionsByPayment.values()).allSatisfy(partitions -> assertThat(partitions).hasSize(1));
    }

    @Test
    void refuses_to_start_without_the_outbox_table_and_creates_no_slot() throws Exception {
        try (RelayTestBed bare = RelayTestBed.create(workDir.resolve("bare"))) {
            assertThatThrownBy(bare::startRelay)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outbox table public.outbox does not exist");
            assertThat(bare.slot().read()).isEmpty();
        }
    }

    private List<ConsumerRecord<String, byte[]>> awaitRecords(int count) {
        await().atMost(DEADLINE).until(() -> bed.received().size() >= count);
        return bed.received();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static OutboxEvent withoutTraceparent(OutboxEvent event) {
        return new OutboxEvent(event.id(), event.aggregateType(), event.aggregateId(), event.type(), event.payload(),
                null);
    }
}
