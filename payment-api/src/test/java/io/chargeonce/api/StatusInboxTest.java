package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.chargeonce.api.ApiFixture.KEY_A;
import static io.chargeonce.api.ApiFixture.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status inbox: status events published with a transactional producer on the real broker
 * reach {@code GET /payments/{id}} once, legally, and only when committed.
 */
class StatusInboxTest {

    private static final String INBOX = "chargeonce.api.status_inbox";

    private static ApiFixture fixture;
    private static SchemaRegistryClient registry;
    private static AvroSerde<PaymentStatusChanged> serde;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        fixture = ApiFixture.start("api_inbox");
        registry = new SchemaRegistryClient(Sandbox.shared().registry().url());
        serde = AvroSerde.forTopic(fixture.topics.paymentStatus(), registry);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Sandbox.shared().kafka().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "status-inbox-test-" + UUID.randomUUID()),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aCommittedStatusEventShowsInTheApi() {
        String paymentId = newPayment();

        publish(event(paymentId, PaymentStatus.CONFIRMED, null, "ch_1"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(paymentId).get("status").asText()).isEqualTo("CONFIRMED"));
    }

    @Test
    void theSameEventTwiceChangesNothing() {
        String paymentId = newPayment();
        PaymentStatusChanged first = event(paymentId, PaymentStatus.NEEDS_ATTENTION, "provider timed out", null);
        PaymentStatusChanged second = event(paymentId, PaymentStatus.NEEDS_ATTENTION, "reconcile found no charge", null);
        publish(first);
        publish(second);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(paymentId).get("reason").asText()).isEqualTo("reconcile found no charge"));
        JsonNode before = payment(paymentId);
        double duplicatesBefore = fixture.counter(INBOX, "duplicate");

        // Applied again, the first event would bring its reason back (NEEDS_ATTENTION may refresh).
        publish(first);

        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.counter(INBOX, "duplicate") == duplicatesBefore + 1);
        assertThat(payment(paymentId)).isEqualTo(before);
    }

    @Test
    void anIllegalTransitionIsIgnored() {
        String paymentId = newPayment();
        publish(event(paymentId, PaymentStatus.CONFIRMED, null, "ch_2"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(paymentId).get("status").asText()).isEqualTo("CONFIRMED"));
        double illegalBefore = fixture.counter(INBOX, "illegal_transition");

        publish(event(paymentId, PaymentStatus.FAILED, "card_declined", null));

        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.counter(INBOX, "illegal_transition") == illegalBefore + 1);
        JsonNode payment = payment(paymentId);
        assertThat(payment.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(payment.has("reason")).isFalse();
    }

    @Test
    void anAbortedTransactionsEventIsNeverApplied() {
        String paymentId = newPayment();
        // Expected: the CONFIRMED event is aborted and invisible to read_committed; the FAILED
        // one is committed. Read uncommitted, CONFIRMED would land first and FAILED be illegal.
        inTransaction(p -> p.send(record(event(paymentId, PaymentStatus.CONFIRMED, null, "ch_3"))), false);
        publish(event(paymentId, PaymentStatus.FAILED, "card_declined", null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode payment = payment(paymentId);
            assertThat(payment.get("status").asText()).isEqualTo("FAILED");
            assertThat(payment.get("reason").asText()).isEqualTo("card_declined");
        });
    }

    @Test
    void anUndecodableRecordIsSkippedAndTheNextOneStillApplied() {
        String paymentId = newPayment();
        double undecodableBefore = fixture.counter(INBOX, "undecodable");

        inTransaction(p -> {
            p.send(new ProducerRecord<>(fixture.topics.paymentStatus().name(), paymentId,
                    "not avro".getBytes(StandardCharsets.UTF_8)));
            p.send(record(event(paymentId, PaymentStatus.CONFIRMED, null, "ch_4")));
        }, true);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(paymentId).get("status").asText()).isEqualTo("CONFIRMED"));
        assertThat(fixture.counter(INBOX, "undecodable")).isEqualTo(undecodableBefore + 1);
    }

    @Test
    void offsetsAreCommittedOnceEventsAreApplied() throws Exception {
        String paymentId = newPayment();
        var sent = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<RecordMetadata>>();
        inTransaction(p -> sent.set(p.send(record(event(paymentId, PaymentStatus.CONFIRMED, null, "ch_5")))), true);
        long offset = sent.get().get().offset();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(paymentId).get("status").asText()).isEqualTo("CONFIRMED"));

        TopicPartition partition = new TopicPartition(fixture.topics.paymentStatus().name(), 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                Sandbox.shared().kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(fixture.statusGroup).partitionsToOffsetAndMetadata().get();
                assertThat(committed.get(partition)).isNotNull();
                assertThat(committed.get(partition).offset()).isGreaterThan(offset);
            });
        }
    }

    @Test
    void aBatchWithDuplicatesAndSeveralEventsPerPaymentEndsWhereOneByOneWould() throws Exception {
        String p1 = newPayment();
        String p2 = newPayment();
        String p3 = newPayment();
        PaymentStatusChanged earlier = event(p3, PaymentStatus.NEEDS_ATTENTION, "provider timed out", null);
        publish(earlier);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(payment(p3).get("status").asText()).isEqualTo("NEEDS_ATTENTION"));
        double applied = fixture.counter(INBOX, "applied");
        double duplicates = fixture.counter(INBOX, "duplicate");
        double illegal = fixture.counter(INBOX, "illegal_transition");
        double undecodable = fixture.counter(INBOX, "undecodable");

        PaymentStatusChanged p1Pending = event(p1, PaymentStatus.PENDING, null, null);
        PaymentStatusChanged p1Confirmed = event(p1, PaymentStatus.CONFIRMED, null, "ch_b1");
        // Illegal after the CONFIRMED before it in the same batch, although the table still says PENDING.
        PaymentStatusChanged p1Failed = event(p1, PaymentStatus.FAILED, "card_declined", null);
        PaymentStatusChanged p2Attention = event(p2, PaymentStatus.NEEDS_ATTENTION, "provider timed out", "ch_b2");
        PaymentStatusChanged p2Refreshed = event(p2, PaymentStatus.NEEDS_ATTENTION, "reconcile found no charge", null);
        PaymentStatusChanged p2Failed = event(p2, PaymentStatus.FAILED, "card_declined", null);
        PaymentStatusChanged p3Confirmed = event(p3, PaymentStatus.CONFIRMED, null, "ch_b3");
        List<PaymentStatusChanged> batch = List.of(p1Pending, p1Confirmed, p1Confirmed, p1Failed, p2Attention,
                p2Refreshed, p2Failed, earlier, p3Confirmed);
        // One Kafka transaction: read_committed sees all of it at once, so it arrives as one poll,
        // with an undecodable record in the middle.
        inTransaction(p -> {
            batch.subList(0, 4).forEach(e -> p.send(record(e)));
            p.send(new ProducerRecord<>(fixture.topics.paymentStatus().name(), p2, "not avro".getBytes(StandardCharsets.UTF_8)));
            batch.subList(4, batch.size()).forEach(e -> p.send(record(e)));
        }, true);

        // Expected, as if applied one by one: p1 CONFIRMED (its FAILED illegal), p2 FAILED with the
        // last reason and the charge id its first event brought, p3 CONFIRMED; the in-batch repeat
        // and the redelivered earlier event change nothing.
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.counter(INBOX, "applied") == applied + 6
                && fixture.counter(INBOX, "duplicate") == duplicates + 2
                && fixture.counter(INBOX, "illegal_transition") == illegal + 1
                && fixture.counter(INBOX, "undecodable") == undecodable + 1);
        assertThat(payment(p1).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(payment(p1).has("reason")).isFalse();
        assertThat(payment(p2).get("status").asText()).isEqualTo("FAILED");
        assertThat(payment(p2).get("reason").asText()).isEqualTo("card_declined");
        assertThat(payment(p3).get("status").asText()).isEqualTo("CONFIRMED");
        try (Connection db = fixture.connect()) {
            assertThat(chargeIds(db, p1, p2, p3)).containsExactly("ch_b1", "ch_b2", "ch_b3");
            // Claimed in one transaction: the batch's claims share its one timestamp.
            try (PreparedStatement claims = db.prepareStatement(
                    "SELECT count(*), count(DISTINCT received_at) FROM status_inbox WHERE event_id = ANY(?)")) {
                claims.setArray(1, db.createArrayOf("text", batch.stream()
                        .filter(e -> e != earlier).map(PaymentStatusChanged::getEventId).distinct().toArray()));
                try (ResultSet row = claims.executeQuery()) {
                    row.next();
                    assertThat(row.getInt(1)).isEqualTo(7);
                    assertThat(row.getInt(2)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aDatabaseFailureRewindsTheBatchWhichIsAppliedOnceLater() throws Exception {
        String p1 = newPayment();
        String p2 = newPayment();
        double applied = fixture.counter(INBOX, "applied");
        double duplicates = fixture.counter(INBOX, "duplicate");
        try (Connection db = fixture.connect(); Statement sql = db.createStatement()) {
            // Every claim fails until the trigger goes; the sequence (not rolled back) counts the tries.
            sql.execute("CREATE SEQUENCE inbox_refusals");
            sql.execute("""
                    CREATE FUNCTION refuse_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN PERFORM nextval('inbox_refusals'); RAISE EXCEPTION 'refused by the test'; END $$""");
            sql.execute("CREATE TRIGGER refuse_inbox BEFORE INSERT ON status_inbox "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION refuse_inbox()");
            try {
                inTransaction(p -> {
                    p.send(record(event(p1, PaymentStatus.PENDING, null, null)));
                    p.send(record(event(p1, PaymentStatus.CONFIRMED, null, "ch_r1")));
                    p.send(record(event(p2, PaymentStatus.FAILED, "card_declined", null)));
                }, true);
                // Two refusals: the batch failed, was rewound, came back and failed again.
                await().atMost(Duration.ofSeconds(20)).until(() -> refusals(sql) >= 2);
                assertThat(payment(p1).get("status").asText()).isEqualTo("PENDING");
                assertThat(payment(p2).get("status").asText()).isEqualTo("PENDING");
            } finally {
                sql.execute("DROP TRIGGER refuse_inbox ON status_inbox");
                sql.execute("DROP FUNCTION refuse_inbox()");
                sql.execute("DROP SEQUENCE inbox_refusals");
            }
        }

        // Nothing was lost to the failures, nothing applied twice after them.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(payment(p1).get("status").asText()).isEqualTo("CONFIRMED");
            assertThat(payment(p2).get("status").asText()).isEqualTo("FAILED");
        });
        assertThat(fixture.counter(INBOX, "applied")).isEqualTo(applied + 3);
        assertThat(fixture.counter(INBOX, "duplicate")).isEqualTo(duplicates);
    }

    private static long refusals(Statement sql) throws SQLException {
        try (ResultSet row = sql.executeQuery("SELECT last_value, is_called FROM inbox_refusals")) {
            row.next();
            return row.getBoolean(2) ? row.getLong(1) : 0;
        }
    }

    private static List<String> chargeIds(Connection db, String... paymentIds) throws SQLException {
        List<String> chargeIds = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement("SELECT provider_charge_id FROM payments WHERE id = ?")) {
            for (String paymentId : paymentIds) {
                select.setObject(1, UUID.fromString(paymentId));
                try (ResultSet row = select.executeQuery()) {
                    chargeIds.add(row.next() ? row.getString(1) : null);
                }
            }
        }
        return chargeIds;
    }

    private static String newPayment() {
        var response = fixture.post(KEY_A, "key-" + UUID.randomUUID(), body("ord-" + UUID.randomUUID(), 990, "USD"));
        assertThat(response.statusCode()).isEqualTo(202);
        return fixture.json(response).get("paymentId").asText();
    }

    private static JsonNode payment(String paymentId) {
        var response = fixture.get(KEY_A, "/payments/" + paymentId);
        assertThat(response.statusCode()).isEqualTo(200);
        return fixture.json(response);
    }

    private static PaymentStatusChanged event(String paymentId, PaymentStatus status, String reason, String chargeId) {
        return PaymentStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPaymentId(paymentId)
                .setMerchantId(fixture.merchantA)
                .setStatus(status)
                .setReason(reason)
                .setProviderChargeId(chargeId)
                .setAttempt(1)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static ProducerRecord<String, byte[]> record(PaymentStatusChanged event) {
        return new ProducerRecord<>(fixture.topics.paymentStatus().name(), event.getPaymentId(), serde.serialize(event));
    }

    private static void publish(PaymentStatusChanged event) {
        inTransaction(p -> p.send(record(event)), true);
    }

    private static synchronized void inTransaction(Consumer<KafkaProducer<String, byte[]>> sends, boolean commit) {
        producer.beginTransaction();
        sends.accept(producer);
        if (commit) {
            producer.commitTransaction();
        } else {
            // Without a flush the abort would drop the records before they reach the broker; the
            // point is to have them in the log, marked aborted.
            producer.flush();
            producer.abortTransaction();
        }
    }
}
