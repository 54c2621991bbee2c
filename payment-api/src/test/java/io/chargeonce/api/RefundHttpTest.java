package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.sandbox.Sandbox;
import io.chargeonce.schemas.AvroSerde;
import io.chargeonce.schemas.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.chargeonce.api.ApiFixture.KEY_A;
import static io.chargeonce.api.ApiFixture.KEY_B;
import static io.chargeonce.api.ApiFixture.body;
import static io.chargeonce.api.ApiFixture.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refunds over real HTTP, Postgres, Kafka and registry: the intake's rules under the payment's row
 * lock, its idempotency, the outbox event it writes, and refund status events applied through the
 * real status inbox into the refund, the payment view and the audit trail.
 */
class RefundHttpTest {

    private static final String DECISIONS = "chargeonce.api.refund_idempotency";
    private static final String INBOX = "chargeonce.api.refund_status_inbox";

    private static ApiFixture fixture;

    @BeforeAll
    static void start() throws SQLException {
        fixture = ApiFixture.start("api_refunds");
        try (Connection db = fixture.connect(); Statement sql = db.createStatement()) {
            // The writer deletes each outbox row in its own transaction (the WAL keeps it): a
            // trigger keeps a copy, so the test sees what the relay would read.
            sql.execute("CREATE TABLE outbox_seen AS SELECT * FROM outbox WITH NO DATA");
            sql.execute("""
                    CREATE FUNCTION keep_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN INSERT INTO outbox_seen SELECT NEW.*; RETURN NEW; END $$""");
            sql.execute("CREATE TRIGGER keep_outbox AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION keep_outbox()");
        }
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aConfirmedPaymentIsRefundedWithItsIntentHistoryAndOutboxEvent() throws Exception {
        String paymentId = confirmedPayment(1000, "EUR");
        double newBefore = fixture.counter(DECISIONS, "new");

        var response = refund(KEY_A, paymentId, newKey(), "{\"amount\":400,\"reason\":\"requested_by_customer\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = fixture.json(response);
        String refundId = body.get("refundId").asText();
        assertThat(response.headers().firstValue("Location")).hasValue("/payments/" + paymentId + "/refunds/" + refundId);
        assertThat(body.get("paymentId").asText()).isEqualTo(paymentId);
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        assertThat(body.get("amount").asLong()).isEqualTo(400);
        assertThat(body.get("currency").asText()).isEqualTo("EUR");
        assertThat(body.get("reason").asText()).isEqualTo("requested_by_customer");
        assertThat(body.get("createdAt").asText()).isNotBlank();
        assertThat(UUID.fromString(refundId).version()).isEqualTo(7);
        assertThat(fixture.counter(DECISIONS, "new")).isEqualTo(newBefore + 1);
        assertThat(fixture.query("SELECT status || ' ' || amount_minor || ' ' || currency || ' ' || merchant_reason "
                + "FROM refunds WHERE id = ?::uuid", refundId)).containsExactly("PENDING 400 EUR requested_by_customer");

        // Expected outbox row: aggregate 'refund', keyed by the PAYMENT id, the Avro RefundRequested.
        try (Connection db = fixture.connect();
             PreparedStatement select = db.prepareStatement(
                     "SELECT aggregatetype, aggregateid, type, payload, traceparent FROM outbox_seen WHERE type = ?");
             SchemaRegistryClient registry = new SchemaRegistryClient(Sandbox.shared().registry().url())) {
            select.setString(1, "RefundRequested");
            List<RefundRequested> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString("aggregatetype")).isEqualTo("refund");
                    assertThat(rows.getString("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
                    RefundRequested event = AvroSerde.forTopic(fixture.topics.refundRequests(), registry)
                            .deserialize(rows.getBytes("payload"));
                    assertThat(rows.getString("aggregateid")).isEqualTo(event.getPaymentId());
                    events.add(event);
                }
            }
            RefundRequested event = events.stream().filter(e -> e.getRefundId().equals(refundId)).findFirst().orElseThrow();
            assertThat(event.getPaymentId()).isEqualTo(paymentId);
            assertThat(event.getMerchantId()).isEqualTo(fixture.merchantA);
            assertThat(event.getAmountMinor()).isEqualTo(400);
            assertThat(event.getCurrency()).isEqualTo("EUR");
            assertThat(event.getReason()).isEqualTo("requested_by_customer");
            assertThat(UUID.fromString(event.getEventId())).isNotEqualTo(UUID.fromString(refundId));
        }
    }

    @Test
    void theSameKeyAndBodyReplayByteForByteAndAnotherBodyOrPaymentIsRefused() throws Exception {
        String paymentId = confirmedPayment(1000, "USD");
        String otherPayment = confirmedPayment(1000, "USD");
        String key = newKey();
        var first = refund(KEY_A, paymentId, key, "{\"amount\":300}");
        double replayedBefore = fixture.counter(DECISIONS, "replayed");
        double conflictBefore = fixture.counter(DECISIONS, "conflict");

        var again = refund(KEY_A, paymentId, key, "{ \"amount\" : 300 }");
        var otherBody = refund(KEY_A, paymentId, key, "{\"amount\":301}");
        var otherPaymentSameKey = refund(KEY_A, otherPayment, key, "{\"amount\":300}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(fixture.errorCode(otherBody)).isEqualTo("idempotency_key_reused");
        assertThat(otherPaymentSameKey.statusCode()).isEqualTo(422);
        assertThat(fixture.errorCode(otherPaymentSameKey)).isEqualTo("idempotency_key_reused");
        assertThat(fixture.counter(DECISIONS, "replayed")).isEqualTo(replayedBefore + 1);
        assertThat(fixture.counter(DECISIONS, "conflict")).isEqualTo(conflictBefore + 2);
        assertThat(fixture.query("SELECT count(*) FROM refunds WHERE payment_id IN (?::uuid, ?::uuid)",
                paymentId, otherPayment)).containsExactly("1");
        // A payment key and a refund key live in separate namespaces.
        assertThat(fixture.post(KEY_A, key, body("ord-ns", 100, "USD")).statusCode()).isEqualTo(202);
    }

    @Test
    void aPaymentThatIsNotConfirmedCannotBeRefundedAndTheRefusalIsNotFrozen() {
        String paymentId = newPayment(800, "USD");
        String key = newKey();

        var refused = refund(KEY_A, paymentId, key, "{\"amount\":100}");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(fixture.errorCode(refused)).isEqualTo("payment_not_refundable");
        assertThat(fixture.json(refused).get("error").get("message").asText())
                .isEqualTo("payment " + paymentId + " is PENDING; only a CONFIRMED payment can be refunded");

        confirm(paymentId);
        var later = refund(KEY_A, paymentId, key, "{\"amount\":100}");
        assertThat(later.statusCode()).isEqualTo(202);
        assertThat(later.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void refundsThatTogetherExceedThePaymentAreRefusedAndAFailedOneFreesItsAmount() throws Exception {
        String paymentId = confirmedPayment(1000, "USD");

        var tooMuch = refund(KEY_A, paymentId, newKey(), "{\"amount\":1001}");
        var first = refund(KEY_A, paymentId, newKey(), "{\"amount\":600}");
        var second = refund(KEY_A, paymentId, newKey(), "{\"amount\":500}");

        assertThat(tooMuch.statusCode()).isEqualTo(422);
        assertThat(fixture.errorCode(tooMuch)).isEqualTo("refund_exceeds_payment");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(422);
        assertThat(fixture.errorCode(second)).isEqualTo("refund_exceeds_payment");
        assertThat(fixture.json(second).get("error").get("message").asText())
                .contains("500").contains("1000").contains("600 is already refunded or pending").contains("400 is left");

        // No amount: the whole rest. Then nothing is left, even for "the rest".
        var rest = refund(KEY_A, paymentId, newKey(), "");
        assertThat(rest.statusCode()).isEqualTo(202);
        assertThat(fixture.json(rest).get("amount").asLong()).isEqualTo(400);
        assertThat(refund(KEY_A, paymentId, newKey(), "{}").statusCode()).isEqualTo(422);

        // A FAILED refund moved no money: its amount is refundable again.
        String firstId = fixture.json(first).get("refundId").asText();
        publish(refundEvent(paymentId, firstId, RefundStatus.FAILED, "provider refused", "charge_not_refundable", null));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(refundView(paymentId, firstId).get("status").asText()).isEqualTo("FAILED"));
        assertThat(refundView(paymentId, firstId).get("reasonCode").asText()).isEqualTo("charge_not_refundable");
        assertThat(refund(KEY_A, paymentId, newKey(), "{\"amount\":600}").statusCode()).isEqualTo(202);
        assertThat(refund(KEY_A, paymentId, newKey(), "{\"amount\":1}").statusCode()).isEqualTo(422);
    }

    @Test
    void concurrentRefundsThatTogetherExceedThePaymentAcceptExactlyOne() throws Exception {
        String paymentId = confirmedPayment(1000, "USD");

        List<HttpResponse<byte[]>> responses = fixture.concurrently(8,
                () -> refund(KEY_A, paymentId, newKey(), "{\"amount\":600}"));

        // 409 is "in progress": a request that waited out the lock timeout behind the others.
        assertThat(responses).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 422 || s == 409);
        assertThat(responses).filteredOn(r -> r.statusCode() == 202).hasSize(1);
        assertThat(fixture.query("SELECT count(*) || ' ' || sum(amount_minor) FROM refunds WHERE payment_id = ?::uuid",
                paymentId)).containsExactly("1 600");
    }

    @Test
    void anotherMerchantsPaymentAndMalformedIdsAreNotFound() {
        String paymentId = confirmedPayment(500, "USD");
        var accepted = refund(KEY_A, paymentId, newKey(), "{\"amount\":100}");
        String refundId = fixture.json(accepted).get("refundId").asText();

        List<HttpResponse<byte[]>> notFound = List.of(
                refund(KEY_B, paymentId, newKey(), "{\"amount\":100}"),
                refund(KEY_A, UUID.randomUUID().toString(), newKey(), "{\"amount\":100}"),
                refund(KEY_A, "not-a-uuid", newKey(), "{\"amount\":100}"),
                fixture.get(KEY_B, "/payments/" + paymentId + "/refunds"),
                fixture.get(KEY_B, "/payments/" + paymentId + "/refunds/" + refundId),
                fixture.get(KEY_A, "/payments/" + paymentId + "/refunds/" + UUID.randomUUID()),
                fixture.get(KEY_B, "/payments/" + paymentId + "/history"));

        for (var response : notFound) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(fixture.errorCode(response)).isEqualTo("not_found");
        }
        assertThat(fixture.get(KEY_A, "/payments/" + paymentId + "/refunds/" + refundId).statusCode()).isEqualTo(200);
    }

    @Test
    void badBodiesAndKeysAreBadRequests() {
        String paymentId = confirmedPayment(500, "USD");

        var invalid = refund(KEY_A, paymentId, newKey(), "{\"amount\":-5,\"reason\":\"" + "r".repeat(201) + "\",\"tip\":1}");
        var malformed = refund(KEY_A, paymentId, newKey(), "{\"amount\":");
        var noKey = refund(KEY_A, paymentId, null, "{\"amount\":5}");

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(fixture.errorCode(invalid)).isEqualTo("invalid_request");
        List<String> fields = new ArrayList<>();
        fixture.json(invalid).get("error").get("details").forEach(d -> fields.add(d.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("amount", "reason", "tip");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(fixture.errorCode(malformed)).isEqualTo("malformed_json");
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(fixture.errorCode(noKey)).isEqualTo("invalid_idempotency_key");
    }

    @Test
    void refundStatusEventsMoveTheRefundOnceLegallyAndTheHistoryTellsEveryChange() {
        String paymentId = confirmedPayment(1000, "GBP");
        String refundId = fixture.json(refund(KEY_A, paymentId, newKey(), "{\"amount\":250}")).get("refundId").asText();
        double applied = fixture.counter(INBOX, "applied");
        double duplicates = fixture.counter(INBOX, "duplicate");
        double illegal = fixture.counter(INBOX, "illegal_transition");
        RefundStatusChanged pending = refundEvent(paymentId, refundId, RefundStatus.PENDING, "provider timed out", null, null);
        RefundStatusChanged succeeded = refundEvent(paymentId, refundId, RefundStatus.SUCCEEDED, null, null, "re_42");

        publish(pending, succeeded);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(refundView(paymentId, refundId).get("status").asText()).isEqualTo("SUCCEEDED"));
        JsonNode settled = refundView(paymentId, refundId);
        // Expected: the redelivered PENDING is a duplicate, a new PENDING after SUCCEEDED illegal; neither moves it.
        publish(pending, refundEvent(paymentId, refundId, RefundStatus.PENDING, "late", null, null));

        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.counter(INBOX, "duplicate") == duplicates + 1
                && fixture.counter(INBOX, "illegal_transition") == illegal + 1);
        assertThat(fixture.counter(INBOX, "applied")).isEqualTo(applied + 2);
        assertThat(refundView(paymentId, refundId)).isEqualTo(settled);
        assertThat(settled.get("providerRefundId").asText()).isEqualTo("re_42");
        assertThat(settled.has("reason")).isFalse();
        JsonNode payment = fixture.json(fixture.get(KEY_A, "/payments/" + paymentId));
        assertThat(payment.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(payment.get("amountRefunded").asLong()).isEqualTo(250);
        assertThat(payment.get("refunds")).hasSize(1);
        assertThat(payment.get("refunds").get(0)).isEqualTo(settled);
        JsonNode list = fixture.json(fixture.get(KEY_A, "/payments/" + paymentId + "/refunds"));
        assertThat(list.get("refunds")).containsExactly(settled);

        JsonNode history = fixture.json(fixture.get(KEY_A, "/payments/" + paymentId + "/history"));
        assertThat(history.get("paymentId").asText()).isEqualTo(paymentId);
        List<String> trail = new ArrayList<>();
        history.get("history").forEach(row -> trail.add(row.get("subject").asText()
                + (row.has("refundId") ? ":" + row.get("refundId").asText().equals(refundId) : "")
                + " " + row.get("status").asText()
                + (row.has("reason") ? " (" + row.get("reason").asText() + ")" : "")
                + (row.has("eventId") ? " by event" : "")));
        assertThat(trail).containsExactly(
                "payment PENDING",
                "payment CONFIRMED by event",
                "refund:true PENDING",
                "refund:true PENDING (provider timed out) by event",
                "refund:true SUCCEEDED by event");
        assertThat(history.get("history").get(4).get("eventId").asText()).isEqualTo(succeeded.getEventId());
    }

    @Test
    void aRefundStatusEventNamingAnUnknownRefundIsCountedAndIgnored() {
        String paymentId = confirmedPayment(300, "USD");
        double unknown = fixture.counter(INBOX, "unknown_refund");

        publish(refundEvent(paymentId, UUID.randomUUID().toString(), RefundStatus.SUCCEEDED, null, null, "re_x"));

        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.counter(INBOX, "unknown_refund") == unknown + 1);
        assertThat(fixture.json(fixture.get(KEY_A, "/payments/" + paymentId)).get("amountRefunded").asLong()).isZero();
    }

    private static HttpResponse<byte[]> refund(String apiKey, String paymentId, String key, String body) {
        return fixture.post(apiKey, "/payments/" + paymentId + "/refunds", key, body);
    }

    private static JsonNode refundView(String paymentId, String refundId) {
        var response = fixture.get(KEY_A, "/payments/" + paymentId + "/refunds/" + refundId);
        assertThat(response.statusCode()).isEqualTo(200);
        return fixture.json(response);
    }

    private static String newPayment(long amount, String currency) {
        var response = fixture.post(KEY_A, newKey(), body("ord-" + UUID.randomUUID(), amount, currency));
        assertThat(response.statusCode()).isEqualTo(202);
        return fixture.json(response).get("paymentId").asText();
    }

    /** A payment made CONFIRMED through the real status inbox. */
    private static String confirmedPayment(long amount, String currency) {
        String paymentId = newPayment(amount, currency);
        confirm(paymentId);
        return paymentId;
    }

    private static void confirm(String paymentId) {
        fixture.publish(fixture.topics.paymentStatus(), paymentId, PaymentStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPaymentId(paymentId)
                .setMerchantId(fixture.merchantA)
                .setStatus(PaymentStatus.CONFIRMED)
                .setProviderChargeId("ch_" + paymentId.substring(0, 8))
                .setAttempt(1)
                .setOccurredAt(Instant.now())
                .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                fixture.json(fixture.get(KEY_A, "/payments/" + paymentId)).get("status").asText()).isEqualTo("CONFIRMED"));
    }

    private static RefundStatusChanged refundEvent(String paymentId, String refundId, RefundStatus status, String reason,
                                                   String reasonCode, String providerRefundId) {
        return RefundStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRefundId(refundId)
                .setPaymentId(paymentId)
                .setMerchantId(fixture.merchantA)
                .setStatus(status)
                .setReason(reason)
                .setReasonCode(reasonCode)
                .setProviderRefundId(providerRefundId)
                .setAttempt(1)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static void publish(RefundStatusChanged... events) {
        fixture.publish(fixture.topics.refundStatus(), events[0].getPaymentId(), events);
    }
}
