package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.chargeonce.api.ApiFixture.KEY_A;
import static io.chargeonce.api.ApiFixture.KEY_B;
import static io.chargeonce.api.ApiFixture.body;
import static io.chargeonce.api.ApiFixture.newKey;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /payments} and {@code GET /payments/{id}} over real HTTP, Postgres, Kafka and registry. */
class PaymentHttpTest {

    private static ApiFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ApiFixture.start("api_http");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aNewPaymentIsAcceptedWithItsIntentStoredAndTheOutboxLeftEmpty() throws SQLException {
        double newBefore = fixture.counter("chargeonce.api.idempotency", "new");

        var response = fixture.post(KEY_A, newKey(), body("ord-1", 1050, "usd"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode body = fixture.json(response);
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        assertThat(body.get("orderId").asText()).isEqualTo("ord-1");
        assertThat(body.get("customerId").asText()).isEqualTo("cus_42");
        assertThat(body.get("amount").asLong()).isEqualTo(1050);
        assertThat(body.get("currency").asText()).isEqualTo("USD");
        assertThat(body.get("createdAt").asText()).isNotBlank();
        String paymentId = body.get("paymentId").asText();
        assertThat(response.headers().firstValue("Location")).hasValue("/payments/" + paymentId);
        assertThat(fixture.query("SELECT status || ' ' || merchant_id || ' ' || amount_minor || ' ' || currency "
                + "FROM payments WHERE id = ?::uuid", paymentId))
                .containsExactly("PENDING " + fixture.merchantA + " 1050 USD");
        assertThat(fixture.query("SELECT count(*) FROM outbox")).containsExactly("0");
        assertThat(fixture.query("SELECT status || ' ' || coalesce(event_id, '-') FROM payment_history "
                + "WHERE payment_id = ?::uuid", paymentId)).as("the creation starts the audit trail")
                .containsExactly("PENDING -");
        assertThat(fixture.counter("chargeonce.api.idempotency", "new")).isEqualTo(newBefore + 1);
    }

    @Test
    void theSameRequestAgainReplaysTheStoredResponseByteForByte() throws SQLException {
        String key = newKey();
        var first = fixture.post(KEY_A, key, body("ord-replay", 700, "EUR"));
        double replayedBefore = fixture.counter("chargeonce.api.idempotency", "replayed");

        // Same request, other field order and currency case: the same payment.
        var again = fixture.post(KEY_A, key,
                "{\"currency\":\"eur\",\"amount\":700,\"customerId\":\"cus_42\",\"orderId\":\"ord-replay\"}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(fixture.counter("chargeonce.api.idempotency", "replayed")).isEqualTo(replayedBefore + 1);
        assertThat(paymentsWithKey(fixture.merchantA, key)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentRequestIsRefused() throws SQLException {
        String key = newKey();
        fixture.post(KEY_A, key, body("ord-mismatch", 100, "USD"));

        var reused = fixture.post(KEY_A, key, body("ord-mismatch", 101, "USD"));

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(errorCode(reused)).isEqualTo("idempotency_key_reused");
        assertThat(paymentsWithKey(fixture.merchantA, key)).isEqualTo(1);
        assertThat(fixture.counter("chargeonce.api.idempotency", "conflict")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void idempotencyKeysAreScopedPerMerchant() {
        String key = newKey();
        var a = fixture.post(KEY_A, key, body("ord-scope", 100, "USD"));
        var b = fixture.post(KEY_B, key, body("ord-scope", 100, "USD"));

        assertThat(a.statusCode()).isEqualTo(202);
        assertThat(b.statusCode()).isEqualTo(202);
        assertThat(b.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(fixture.json(b).get("paymentId").asText()).isNotEqualTo(fixture.json(a).get("paymentId").asText());
    }

    @Test
    void requestsWithoutAValidApiKeyAreUnauthorized() {
        var none = fixture.post(null, newKey(), body("ord-auth", 100, "USD"));
        var wrong = fixture.post("sk_test_nobody_0123456789abcdef", newKey(), body("ord-auth", 100, "USD"));
        var basic = fixture.send(fixture.request("/payments").header("Authorization", "Basic " + KEY_A)
                .header("Idempotency-Key", newKey()).POST(HttpRequest.BodyPublishers.ofString(body("o", 1, "USD"))).build());
        var get = fixture.get(null, "/payments/" + UUID.randomUUID());

        for (var response : List.of(none, wrong, basic, get)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(errorCode(response)).isEqualTo("unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @Test
    void aMissingOrMalformedIdempotencyKeyIsABadRequest() {
        var missing = fixture.post(KEY_A, null, body("ord-key", 100, "USD"));
        var tooLong = fixture.post(KEY_A, "k".repeat(256), body("ord-key", 100, "USD"));
        var longest = fixture.post(KEY_A, (newKey() + "k".repeat(255)).substring(0, 255), body("ord-key", 100, "USD"));

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(errorCode(missing)).isEqualTo("invalid_idempotency_key");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(errorCode(tooLong)).isEqualTo("invalid_idempotency_key");
        assertThat(longest.statusCode()).as("255 characters is allowed").isEqualTo(202);
    }

    @Test
    void anInvalidBodyNamesEachBadField() {
        var response = fixture.post(KEY_A, newKey(), "{\"customerId\":7,\"amount\":-5,\"currency\":\"XYZ\",\"tip\":1}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = fixture.json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_request");
        List<String> fields = new ArrayList<>();
        error.get("details").forEach(detail -> {
            fields.add(detail.get("field").asText());
            assertThat(detail.get("message").asText()).isNotBlank();
        });
        assertThat(fields).containsExactlyInAnyOrder("orderId", "customerId", "amount", "currency", "tip");
    }

    @Test
    void malformedJsonIsABadRequest() {
        var response = fixture.post(KEY_A, newKey(), "{\"orderId\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("malformed_json");
    }

    @Test
    void aBodyOverTheLimitIsTooLarge() {
        String padding = "x".repeat(ApiConfig.DEFAULT_MAX_BODY_BYTES);
        var response = fixture.post(KEY_A, newKey(), "{\"orderId\":\"" + padding + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(errorCode(response)).isEqualTo("payload_too_large");
    }

    @Test
    void unknownPathsAndWrongMethodsAnswerJsonErrors() {
        var unknown = fixture.get(KEY_A, "/refunds");
        var wrongMethod = fixture.send(fixture.request("/payments").header("Authorization", "Bearer " + KEY_A)
                .DELETE().build());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorCode(unknown)).isEqualTo("not_found");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(errorCode(wrongMethod)).isEqualTo("method_not_allowed");
    }

    @Test
    void aPaymentIsVisibleToItsMerchantOnly() {
        var created = fixture.post(KEY_A, newKey(), body("ord-get", 2500, "GBP"));
        String paymentId = fixture.json(created).get("paymentId").asText();

        var own = fixture.get(KEY_A, "/payments/" + paymentId);
        var other = fixture.get(KEY_B, "/payments/" + paymentId);
        var unknown = fixture.get(KEY_A, "/payments/" + UUID.randomUUID());
        var malformed = fixture.get(KEY_A, "/payments/not-a-uuid");

        assertThat(own.statusCode()).isEqualTo(200);
        JsonNode payment = fixture.json(own);
        assertThat(payment.get("paymentId").asText()).isEqualTo(paymentId);
        assertThat(payment.get("status").asText()).isEqualTo("PENDING");
        assertThat(payment.has("reason")).isFalse();
        assertThat(payment.get("orderId").asText()).isEqualTo("ord-get");
        assertThat(payment.get("amount").asLong()).isEqualTo(2500);
        assertThat(payment.get("currency").asText()).isEqualTo("GBP");
        assertThat(payment.get("createdAt").asText()).isEqualTo(fixture.json(created).get("createdAt").asText());
        assertThat(payment.get("updatedAt").asText()).isNotBlank();
        for (var response : List.of(other, unknown, malformed)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(errorCode(response)).isEqualTo("not_found");
        }
    }

    @Test
    void aRequestBlockedBehindAnUncommittedOneWithTheSameKeyGets409ThenSucceedsOnRetry() throws Exception {
        String key = newKey();
        double inProgressBefore = fixture.counter("chargeonce.api.idempotency", "in_progress");
        try (Connection blocker = fixture.connect()) {
            // Expected state: an uncommitted intent holds (merchant A, key) in the unique index.
            blocker.setAutoCommit(false);
            try (PreparedStatement insert = blocker.prepareStatement("""
                    INSERT INTO payments (id, merchant_id, idempotency_key, request_hash, order_id, customer_id,
                        amount_minor, currency, status, response_status, response_body, created_at, updated_at)
                    VALUES (?, ?::uuid, ?, decode(repeat('00', 32), 'hex'), 'o', 'c', 1, 'USD', 'PENDING', 202,
                        '\\x7b7d', now(), now())""")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, fixture.merchantA);
                insert.setString(3, key);
                insert.executeUpdate();
            }

            var blocked = fixture.post(KEY_A, key, body("ord-blocked", 100, "USD"));

            assertThat(blocked.statusCode()).isEqualTo(409);
            assertThat(errorCode(blocked)).isEqualTo("request_in_progress");
            assertThat(blocked.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(fixture.counter("chargeonce.api.idempotency", "in_progress")).isEqualTo(inProgressBefore + 1);
            blocker.rollback();
        }

        var retried = fixture.post(KEY_A, key, body("ord-blocked", 100, "USD"));

        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void concurrentRequestsWithOneKeyCreateExactlyOnePayment() throws Exception {
        String key = newKey();
        List<HttpResponse<byte[]>> responses = fixture.concurrently(16, () -> fixture.post(KEY_A, key, body("ord-race", 4200, "USD")));

        assertThat(responses).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 409);
        var accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertThat(accepted.stream().filter(r -> r.headers().firstValue("Idempotent-Replayed").isEmpty()))
                .as("exactly one response created the payment").hasSize(1);
        assertThat(accepted).extracting(r -> new String(r.body())).containsOnly(new String(accepted.getFirst().body()));
        assertThat(paymentsWithKey(fixture.merchantA, key)).isEqualTo(1);
    }

    private static String errorCode(HttpResponse<byte[]> response) {
        return fixture.errorCode(response);
    }

    private static long paymentsWithKey(String merchantId, String key) throws SQLException {
        return Long.parseLong(fixture.query(
                "SELECT count(*) FROM payments WHERE merchant_id = ?::uuid AND idempotency_key = ?", merchantId, key)
                .getFirst());
    }
}
