package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The simulator on its own (it starts in milliseconds), over real HTTP. */
class ProviderSimulatorTest extends ProviderHttpTest {

    @Test
    void chargesOnceAndReplaysTheStoredAnswerForTheSameKey() throws Exception {
        HttpResponse<String> first = charge("key-1", chargeBody(1250, "cus_ok", "pay-1"));
        HttpResponse<String> replay = charge("key-1", chargeBody(1250, "cus_ok", "pay-1"));

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode charge = JSON.readTree(first.body());
        assertThat(charge.get("id").asText()).startsWith("ch_");
        assertThat(charge.get("object").asText()).isEqualTo("charge");
        assertThat(charge.get("amount").asLong()).isEqualTo(1250);
        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        assertThat(charge.get("paid").asBoolean()).isTrue();
        assertThat(charge.get("metadata").get("payment_id").asText()).isEqualTo("pay-1");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");

        assertThat(provider.ledger()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(charge.get("id").asText());
            assertThat(c.idempotencyKey()).isEqualTo("key-1");
            assertThat(c.paymentId()).isEqualTo("pay-1");
            assertThat(c.status()).isEqualTo(ProviderCharge.SUCCEEDED);
            assertThat(c.createdAt()).isEqualTo(NOW);
        });
        assertThat(provider.stats().requests()).isEqualTo(2);
        assertThat(provider.stats().replays()).isEqualTo(1);
    }

    @Test
    void sameKeyWithOtherParametersIsAnIdempotencyError() throws Exception {
        charge("key-2", chargeBody(100, "cus_ok", "pay-2"));

        HttpResponse<String> other = charge("key-2", chargeBody(200, "cus_ok", "pay-2"));

        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(other.body()).get("error").get("type").asText()).isEqualTo("idempotency_error");
        assertThat(provider.ledger()).hasSize(1);
        assertThat(provider.stats().idempotencyErrors()).isEqualTo(1);
    }

    @Test
    void missingIdempotencyKeyIsRejected() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(provider.url() + "/v1/charges"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chargeBody(100, "cus_ok", "pay-3"))).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").get("code").asText()).isEqualTo("idempotency_key_missing");
        assertThat(provider.ledger()).isEmpty();
    }

    @Test
    void declinedCustomersGetA402ThatIsStoredLikeASuccess() throws Exception {
        HttpResponse<String> declined = charge("key-4", chargeBody(100, "cus_decline_insufficient_funds", "pay-4"));
        HttpResponse<String> replay = charge("key-4", chargeBody(100, "cus_decline_insufficient_funds", "pay-4"));

        assertThat(declined.statusCode()).isEqualTo(402);
        JsonNode error = JSON.readTree(declined.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("card_error");
        assertThat(error.get("code").asText()).isEqualTo("card_declined");
        assertThat(error.get("decline_code").asText()).isEqualTo("insufficient_funds");
        assertThat(replay.statusCode()).isEqualTo(402);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(provider.ledger()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(ProviderCharge.FAILED);
            assertThat(c.id()).isEqualTo(error.get("charge").asText());
        });
    }

    @Test
    void secondRequestWhileTheFirstIsInFlightGets409() throws Exception {
        provider.setFaults(ProviderFaults.none().withLatency(600_000, 0));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(chargeRequest("key-5", chargeBody(100, "cus_ok", "pay-5")),
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> provider.stats().inFlight() == 1);

        HttpResponse<String> second = charge("key-5", chargeBody(100, "cus_ok", "pay-5"));
        provider.setFaults(ProviderFaults.none()); // wakes the first request out of its latency

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(provider.ledger()).hasSize(1);
        assertThat(provider.stats().conflicts()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyChargeExactlyOnce() {
        provider.setFaults(ProviderFaults.none().withLatency(5, 5));
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 20)
                .mapToObj(i -> http.sendAsync(chargeRequest("key-6", chargeBody(100, "cus_ok", "pay-6")),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        List<Integer> statuses = calls.stream().map(call -> call.join().statusCode()).toList();

        // How many overlap depends on scheduling (a starved machine may serialise them all), so a 409
        // is allowed, not required; secondRequestWhileTheFirstIsInFlightGets409 proves the 409 itself.
        assertThat(provider.ledger()).hasSize(1);
        assertThat(statuses).isSubsetOf(200, 409).contains(200);
    }

    @Test
    void serverErrorsChargeNothingAndARetryWithTheSameKeySucceeds() throws Exception {
        provider.setFaults(ProviderFaults.none().withServerErrorRate(1.0));

        HttpResponse<String> failed = charge("key-7", chargeBody(100, "cus_ok", "pay-7"));
        assertThat(failed.statusCode()).isIn(500, 503);
        assertThat(provider.ledger()).isEmpty();

        provider.setFaults(ProviderFaults.none());
        HttpResponse<String> retry = charge("key-7", chargeBody(100, "cus_ok", "pay-7"));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(provider.ledger()).hasSize(1);
    }

    @Test
    void droppedResponseStillChargesAndTheChargeCanBeFoundByKey() throws Exception {
        provider.setFaults(ProviderFaults.none().withDropResponseRate(1.0));

        assertThatThrownBy(() -> charge("key-8", chargeBody(100, "cus_ok", "pay-8"))).isInstanceOf(IOException.class);
        assertThat(provider.ledger()).singleElement().extracting(ProviderCharge::paymentId).isEqualTo("pay-8");

        JsonNode byKey = JSON.readTree(get("/v1/charges?idempotency_key=key-8").body());
        assertThat(byKey.get("object").asText()).isEqualTo("list");
        assertThat(byKey.get("data")).hasSize(1);
        assertThat(byKey.get("data").get(0).get("id").asText()).isEqualTo(provider.ledger().getFirst().id());

        provider.setFaults(ProviderFaults.none());
        HttpResponse<String> retry = charge("key-8", chargeBody(100, "cus_ok", "pay-8"));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(provider.ledger()).hasSize(1);
        assertThat(provider.stats().droppedResponses()).isEqualTo(1);
    }

    @Test
    void unknownKeyListsNoCharges() throws Exception {
        JsonNode byKey = JSON.readTree(get("/v1/charges?idempotency_key=never-used").body());

        assertThat(byKey.get("data")).isEmpty();
    }

    @Test
    void seededFaultsRepeatTheSameSequence() throws Exception {
        ProviderFaults coinFlip = ProviderFaults.none().withDeclineRate(0.5).withSeed(1234);

        List<Integer> firstRun = statusesOf(coinFlip, "run-a");
        List<Integer> secondRun = statusesOf(coinFlip, "run-b");

        assertThat(firstRun).isEqualTo(secondRun).contains(200, 402);
    }

    @Test
    void faultsCanBeReadAndSetOverHttp() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(provider.url() + "/v1/sim/faults"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"declineRate\":0.25,\"latencyMs\":3,\"seed\":9}")).build());
        JsonNode read = JSON.readTree(get("/v1/sim/faults").body());

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(provider.faults()).isEqualTo(new ProviderFaults(3, 0, 0.25, 0.0, 0.0, 9));
        assertThat(read.get("declineRate").asDouble()).isEqualTo(0.25);
        assertThat(read.get("seed").asLong()).isEqualTo(9);
    }

    @Test
    void invalidFaultsAreRejectedAndLeaveTheOldOnes() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(provider.url() + "/v1/sim/faults"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"declineRate\":1.5}")).build());

        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(provider.faults()).isEqualTo(ProviderFaults.none());
    }

    @Test
    void ledgerEndpointIsTheGroundTruthAndResetClearsIt() throws Exception {
        charge("key-9", chargeBody(100, "cus_ok", "pay-9"));
        charge("key-10", chargeBody(100, "cus_decline", "pay-10"));

        JsonNode ledger = JSON.readTree(get("/v1/ledger").body());
        assertThat(ledger.get("charges")).hasSize(2);
        JsonNode first = ledger.get("charges").get(0);
        assertThat(first.get("idempotencyKey").asText()).isEqualTo("key-9");
        assertThat(first.get("paymentId").asText()).isEqualTo("pay-9");
        assertThat(first.get("status").asText()).isEqualTo("succeeded");
        assertThat(first.get("createdAt").asText()).isEqualTo(NOW.toString());
        assertThat(ledger.get("charges").get(1).get("status").asText()).isEqualTo("failed");
        assertThat(ledger.get("stats").get("charges").asLong()).isEqualTo(2);

        HttpResponse<String> reset = send(HttpRequest.newBuilder(URI.create(provider.url() + "/v1/sim/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(provider.ledger()).isEmpty();
        assertThat(JSON.readTree(get("/v1/sim/stats").body()).get("requests").asLong()).isZero();
    }

    private List<Integer> statusesOf(ProviderFaults faults, String keyPrefix) throws Exception {
        provider.setFaults(faults);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(charge(keyPrefix + "-" + i, chargeBody(100, "cus_ok", "pay-" + i)).statusCode());
        }
        return statuses;
    }

    private HttpRequest chargeRequest(String key, String body) {
        return post("/v1/charges", key, body);
    }

    private HttpResponse<String> charge(String key, String body) throws IOException, InterruptedException {
        return send(chargeRequest(key, body));
    }
}
