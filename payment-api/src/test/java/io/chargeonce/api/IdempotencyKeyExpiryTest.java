package io.chargeonce.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.chargeonce.api.ApiFixture.KEY_A;
import static io.chargeonce.api.ApiFixture.body;
import static io.chargeonce.api.ApiFixture.newKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idempotency keys expire {@code idempotencyKeyTtl} after their payment (or refund) was created:
 * before, the same merchant + key replays (or is refused for another request); after, it is a new
 * payment (or refund). The
 * API's clock is moved by the test, never waited for; each test uses its own keys and only moves
 * the clock forward, so the tests do not depend on their order.
 */
class IdempotencyKeyExpiryTest {

    private static final Duration TTL = Duration.ofHours(24);
    private static final MovableClock clock = new MovableClock(Instant.parse("2026-01-05T09:00:00Z"));
    private static ApiFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ApiFixture.start("api_key_expiry", clock, TTL);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aKeyReplaysUntilItsTtlThenStartsANewPaymentWhileTheOldOneStaysReadable() throws SQLException {
        String key = newKey();
        var first = fixture.post(KEY_A, key, body("ord-ttl", 900, "USD"));
        String firstId = fixture.json(first).get("paymentId").asText();

        clock.advance(TTL.minusMillis(1));
        var justBefore = fixture.post(KEY_A, key, body("ord-ttl", 900, "USD"));
        var otherBodyBefore = fixture.post(KEY_A, key, body("ord-ttl-2", 901, "USD"));

        assertThat(justBefore.statusCode()).isEqualTo(202);
        assertThat(justBefore.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(justBefore.body()).isEqualTo(first.body());
        assertThat(otherBodyBefore.statusCode()).isEqualTo(422);

        clock.advance(Duration.ofMillis(1));
        double newBefore = fixture.counter("chargeonce.api.idempotency", "new");
        var after = fixture.post(KEY_A, key, body("ord-ttl", 900, "USD"));

        assertThat(after.statusCode()).isEqualTo(202);
        assertThat(after.headers().firstValue("Idempotent-Replayed")).isEmpty();
        String secondId = fixture.json(after).get("paymentId").asText();
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(fixture.counter("chargeonce.api.idempotency", "new")).isEqualTo(newBefore + 1);
        // The new payment binds the key from now on; the old one keeps existing under its id.
        var replayOfSecond = fixture.post(KEY_A, key, body("ord-ttl", 900, "USD"));
        assertThat(fixture.json(replayOfSecond).get("paymentId").asText()).isEqualTo(secondId);
        assertThat(replayOfSecond.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        var old = fixture.get(KEY_A, "/payments/" + firstId);
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(fixture.json(old).get("orderId").asText()).isEqualTo("ord-ttl");
        assertThat(keyHolders(key)).containsExactlyInAnyOrder(firstId + " released", secondId + " live");
    }

    @Test
    void afterExpiryADifferentRequestWithTheKeyIsANewPaymentNotAConflict() {
        String key = newKey();
        String firstId = fixture.json(fixture.post(KEY_A, key, body("ord-a", 100, "EUR"))).get("paymentId").asText();

        clock.advance(TTL.plusMinutes(5));
        var other = fixture.post(KEY_A, key, body("ord-b", 250, "EUR"));

        assertThat(other.statusCode()).isEqualTo(202);
        JsonNode payment = fixture.json(other);
        assertThat(payment.get("paymentId").asText()).isNotEqualTo(firstId);
        assertThat(payment.get("orderId").asText()).isEqualTo("ord-b");
        assertThat(payment.get("amount").asLong()).isEqualTo(250);
    }

    @Test
    void concurrentRequestsWithOneExpiredKeyCreateExactlyOneNewPayment() throws Exception {
        String key = newKey();
        String firstId = fixture.json(fixture.post(KEY_A, key, body("ord-race-ttl", 4200, "USD"))).get("paymentId").asText();
        clock.advance(TTL.plusSeconds(1));

        List<HttpResponse<byte[]>> responses =
                fixture.concurrently(12, () -> fixture.post(KEY_A, key, body("ord-race-ttl", 4200, "USD")));

        // 409 is "still in progress, retry": a request that waited out the lock timeout.
        assertThat(responses).extracting(HttpResponse::statusCode).allMatch(s -> s == 202 || s == 409);
        var accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertThat(accepted.stream().filter(r -> r.headers().firstValue("Idempotent-Replayed").isEmpty()))
                .as("exactly one response created the new payment").hasSize(1);
        String secondId = fixture.json(accepted.getFirst()).get("paymentId").asText();
        assertThat(accepted).extracting(r -> fixture.json(r).get("paymentId").asText()).containsOnly(secondId);
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(keyHolders(key)).containsExactlyInAnyOrder(firstId + " released", secondId + " live");
    }

    @Test
    void aRefundKeyExpiresLikeAPaymentKeyAndTheOldRefundStaysReadable() throws SQLException {
        String paymentId = fixture.json(fixture.post(KEY_A, newKey(), body("ord-refund-ttl", 1000, "USD")))
                .get("paymentId").asText();
        fixture.publish(fixture.topics.paymentStatus(), paymentId, PaymentStatusChanged.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPaymentId(paymentId).setMerchantId(fixture.merchantA)
                .setStatus(PaymentStatus.CONFIRMED).setProviderChargeId("ch_ttl").setAttempt(1)
                .setOccurredAt(clock.instant()).build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(fixture.json(
                fixture.get(KEY_A, "/payments/" + paymentId)).get("status").asText()).isEqualTo("CONFIRMED"));
        String key = newKey();
        String path = "/payments/" + paymentId + "/refunds";
        var first = fixture.post(KEY_A, path, key, "{\"amount\":100}");

        clock.advance(TTL.minusMillis(1));
        var justBefore = fixture.post(KEY_A, path, key, "{\"amount\":100}");
        clock.advance(Duration.ofMillis(1));
        var after = fixture.post(KEY_A, path, key, "{\"amount\":100}");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(justBefore.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(justBefore.body()).isEqualTo(first.body());
        assertThat(after.statusCode()).isEqualTo(202);
        assertThat(after.headers().firstValue("Idempotent-Replayed")).isEmpty();
        String firstId = fixture.json(first).get("refundId").asText();
        String secondId = fixture.json(after).get("refundId").asText();
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(fixture.get(KEY_A, path + "/" + firstId).statusCode()).isEqualTo(200);
        assertThat(fixture.query("""
                SELECT id || CASE WHEN idempotency_key IS NULL THEN ' released' ELSE ' live' END
                FROM refunds WHERE merchant_id = ?::uuid AND ? IN (idempotency_key, released_idempotency_key)""",
                fixture.merchantA, key)).containsExactlyInAnyOrder(firstId + " released", secondId + " live");
    }

    /** Every payment of merchant A that holds or held {@code key}: "id live" or "id released". */
    private static List<String> keyHolders(String key) throws SQLException {
        return fixture.query("""
                SELECT id || CASE WHEN idempotency_key IS NULL THEN ' released' ELSE ' live' END
                FROM payments WHERE merchant_id = ?::uuid AND ? IN (idempotency_key, released_idempotency_key)""",
                fixture.merchantA, key);
    }
}
