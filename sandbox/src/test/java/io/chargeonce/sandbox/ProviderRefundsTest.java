package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/refunds} and its lookup, over real HTTP, against charges made through {@code POST /v1/charges}. */
class ProviderRefundsTest extends ProviderHttpTest {

    @Test
    void refundSucceedsAndIsRecordedInTheLedger() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-1");

        HttpResponse<String> response = refund("refund-key-1", refundBody(charge, 400L, "ref-1", "pay-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode refund = JSON.readTree(response.body());
        assertThat(refund.get("id").asText()).startsWith("re_");
        assertThat(refund.get("object").asText()).isEqualTo("refund");
        assertThat(refund.get("amount").asLong()).isEqualTo(400);
        assertThat(refund.get("charge").asText()).isEqualTo(charge);
        assertThat(refund.get("currency").asText()).isEqualTo("usd");
        assertThat(refund.get("status").asText()).isEqualTo("succeeded");
        assertThat(refund.get("created").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(refund.get("metadata").get("refund_id").asText()).isEqualTo("ref-1");
        assertThat(refund.get("metadata").get("reason").asText()).isEqualTo("requested_by_customer");
        assertThat(provider.refunds()).singleElement().isEqualTo(new ProviderRefund(refund.get("id").asText(),
                "refund-key-1", charge, "pay-1", "ref-1", 400, "usd", ProviderRefund.SUCCEEDED, NOW));
        assertThat(provider.stats().refunds()).isEqualTo(1);
    }

    @Test
    void sameKeyAndParametersReplayTheStoredRefund() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-2");
        HttpResponse<String> first = refund("refund-key-2", refundBody(charge, 300L, "ref-2", "pay-2"));

        HttpResponse<String> replay = refund("refund-key-2", refundBody(charge, 300L, "ref-2", "pay-2"));

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(provider.refunds()).hasSize(1);
        assertThat(provider.stats().replays()).isEqualTo(1);
    }

    @Test
    void sameKeyWithOtherParametersIsAnIdempotencyError() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-3");
        refund("refund-key-3", refundBody(charge, 300L, "ref-3", "pay-3"));

        HttpResponse<String> other = refund("refund-key-3", refundBody(charge, 301L, "ref-3", "pay-3"));
        HttpResponse<String> wholeRest = refund("refund-key-3", refundBody(charge, null, "ref-3", "pay-3"));

        assertThat(List.of(other, wholeRest)).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(error(response).get("type").asText()).isEqualTo("idempotency_error");
        });
        assertThat(provider.refunds()).singleElement().extracting(ProviderRefund::amount).isEqualTo(300L);
        assertThat(provider.stats().idempotencyErrors()).isEqualTo(2);
    }

    @Test
    void overRefundIsRefusedAndTheRefusalIsStoredUnderTheKey() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-4");

        HttpResponse<String> refused = refund("refund-key-4", refundBody(charge, 1001L, "ref-4", "pay-4"));
        HttpResponse<String> retry = refund("refund-key-4", refundBody(charge, 1001L, "ref-4", "pay-4"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(error(refused).get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(refused).get("code").asText()).isEqualTo("amount_too_large");
        assertThat(retry.statusCode()).isEqualTo(400);
        assertThat(retry.body()).isEqualTo(refused.body());
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(provider.refunds()).isEmpty();
        assertThat(provider.stats().refundRefusals()).isEqualTo(1);
    }

    @Test
    void refundsUnderOtherKeysShareTheChargesAmount() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-5");

        HttpResponse<String> first = refund("refund-key-5a", refundBody(charge, 700L, "ref-5a", "pay-5"));
        HttpResponse<String> tooMuch = refund("refund-key-5b", refundBody(charge, 400L, "ref-5b", "pay-5"));
        HttpResponse<String> rest = refund("refund-key-5c", refundBody(charge, null, "ref-5c", "pay-5"));
        HttpResponse<String> nothingLeft = refund("refund-key-5d", refundBody(charge, null, "ref-5d", "pay-5"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(error(tooMuch).get("code").asText()).isEqualTo("amount_too_large");
        assertThat(error(tooMuch).get("message").asText()).contains("400", "300");
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(rest.body()).get("amount").asLong()).isEqualTo(300);
        assertThat(nothingLeft.statusCode()).isEqualTo(400);
        assertThat(error(nothingLeft).get("code").asText()).isEqualTo("charge_already_refunded");
        assertThat(provider.refunds()).extracting(ProviderRefund::refundId).containsExactly("ref-5a", "ref-5c");
        assertThat(provider.stats().refundRefusals()).isEqualTo(2);
    }

    @Test
    void declinedOrUnknownChargesAreNotRefundable() throws Exception {
        String declined = charge(1000, "cus_decline", "pay-7");

        HttpResponse<String> ofDeclined = refund("refund-key-7a", refundBody(declined, 100L, "ref-7a", "pay-7"));
        HttpResponse<String> ofUnknown = refund("refund-key-7b", refundBody("ch_unknown", 100L, "ref-7b", "pay-7"));

        assertThat(ofDeclined.statusCode()).isEqualTo(400);
        assertThat(error(ofDeclined).get("code").asText()).isEqualTo("charge_not_refundable");
        assertThat(ofUnknown.statusCode()).isEqualTo(404);
        assertThat(error(ofUnknown).get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(ofUnknown).get("code").asText()).isEqualTo("resource_missing");
        assertThat(provider.refunds()).isEmpty();
        assertThat(provider.stats().refundRefusals()).isEqualTo(2);
    }

    @Test
    void lookupByKeyListsTheRefundTheRefusalOrNothing() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-8");
        HttpResponse<String> made = refund("refund-key-8a", refundBody(charge, 100L, "ref-8a", "pay-8"));
        refund("refund-key-8b", refundBody(charge, 5000L, "ref-8b", "pay-8"));

        JsonNode found = lookup("refund-key-8a");
        JsonNode refusal = lookup("refund-key-8b");
        JsonNode never = lookup("refund-key-never");

        assertThat(found.get("object").asText()).isEqualTo("list");
        assertThat(found.get("has_more").asBoolean()).isFalse();
        assertThat(found.get("data")).singleElement().satisfies(refund -> {
            assertThat(refund.get("id").asText()).isEqualTo(JSON.readTree(made.body()).get("id").asText());
            assertThat(refund.get("status").asText()).isEqualTo("succeeded");
        });
        assertThat(refusal.get("data")).singleElement().satisfies(refund -> {
            assertThat(refund.get("id").isNull()).isTrue();
            assertThat(refund.get("object").asText()).isEqualTo("refund");
            assertThat(refund.get("status").asText()).isEqualTo("failed");
            assertThat(refund.get("failure_reason").asText()).isEqualTo("amount_too_large");
            assertThat(refund.get("failure_message").asText()).isNotBlank();
            assertThat(refund.get("charge").asText()).isEqualTo(charge);
        });
        assertThat(never.get("data")).isEmpty();
    }

    @Test
    void droppedResponseStillRefundsAndTheLookupFindsIt() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-9");
        provider.setFaults(ProviderFaults.none().withDropResponseRate(1.0));

        assertThatThrownBy(() -> refund("refund-key-9", refundBody(charge, 250L, "ref-9", "pay-9")))
                .isInstanceOf(IOException.class);
        assertThat(provider.refunds()).singleElement().extracting(ProviderRefund::refundId).isEqualTo("ref-9");
        JsonNode byKey = lookup("refund-key-9");
        assertThat(byKey.get("data")).singleElement()
                .satisfies(refund -> assertThat(refund.get("id").asText()).isEqualTo(provider.refunds().getFirst().id()));

        provider.setFaults(ProviderFaults.none());
        HttpResponse<String> retry = refund("refund-key-9", refundBody(charge, 250L, "ref-9", "pay-9"));
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(provider.refunds()).hasSize(1);
        assertThat(provider.stats().droppedResponses()).isEqualTo(1);
    }

    @Test
    void serverErrorsAndAccountRefusalsStoreNothingUnderTheKey() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-10");
        provider.setFaults(ProviderFaults.none().withServerErrorRate(1.0));
        HttpResponse<String> failed = refund("refund-key-10", refundBody(charge, 100L, "ref-10", "pay-10"));
        provider.setFaults(ProviderFaults.none());
        provider.refuseCharges("account_inactive");
        HttpResponse<String> refused = refund("refund-key-10", refundBody(charge, 100L, "ref-10", "pay-10"));
        provider.refuseCharges(null);

        HttpResponse<String> retry = refund("refund-key-10", refundBody(charge, 100L, "ref-10", "pay-10"));

        assertThat(failed.statusCode()).isIn(500, 503);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(error(refused).get("code").asText()).isEqualTo("account_inactive");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(provider.refunds()).hasSize(1);
    }

    @Test
    void ledgerJsonListsRefundsMadeAndCountsRefusals() throws Exception {
        String charge = charge(1000, "cus_ok", "pay-11");
        refund("refund-key-11a", refundBody(charge, 600L, "ref-11a", "pay-11"));
        refund("refund-key-11b", refundBody(charge, 600L, "ref-11b", "pay-11"));

        JsonNode ledger = JSON.readTree(get("/v1/ledger").body());

        assertThat(ledger.get("refunds")).singleElement().satisfies(refund -> {
            assertThat(refund.get("id").asText()).startsWith("re_");
            assertThat(refund.get("idempotencyKey").asText()).isEqualTo("refund-key-11a");
            assertThat(refund.get("chargeId").asText()).isEqualTo(charge);
            assertThat(refund.get("paymentId").asText()).isEqualTo("pay-11");
            assertThat(refund.get("refundId").asText()).isEqualTo("ref-11a");
            assertThat(refund.get("amount").asLong()).isEqualTo(600);
            assertThat(refund.get("currency").asText()).isEqualTo("usd");
            assertThat(refund.get("status").asText()).isEqualTo("succeeded");
            assertThat(refund.get("createdAt").asText()).isEqualTo(NOW.toString());
        });
        assertThat(ledger.get("stats").get("refunds").asLong()).isEqualTo(1);
        assertThat(ledger.get("stats").get("refundRefusals").asLong()).isEqualTo(1);
        assertThat(JSON.readTree(get("/v1/sim/stats").body()).get("refundRefusals").asLong()).isEqualTo(1);
    }

    @Test
    void aRefundWithoutAChargeIsAParameterError() throws Exception {
        HttpResponse<String> response = refund("refund-key-12", "{\"amount\":100}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("parameter_invalid");
        assertThat(lookup("refund-key-12").get("data")).isEmpty();
    }

    /** Charges through HTTP and returns the charge id (a declined charge has one too). */
    private String charge(long amount, String customer, String paymentId) throws Exception {
        HttpResponse<String> response = send(post("/v1/charges", "charge-" + paymentId,
                chargeBody(amount, customer, paymentId)));
        JsonNode body = JSON.readTree(response.body());
        return response.statusCode() == 200 ? body.get("id").asText() : body.get("error").get("charge").asText();
    }

    private static String refundBody(String charge, Long amount, String refundId, String paymentId) {
        return "{\"charge\":\"%s\",%s\"metadata\":{\"refund_id\":\"%s\",\"payment_id\":\"%s\",\"merchant_id\":\"m-1\",\"reason\":\"requested_by_customer\"}}"
                .formatted(charge, amount == null ? "" : "\"amount\":" + amount + ",", refundId, paymentId);
    }

    private HttpResponse<String> refund(String key, String body) throws IOException, InterruptedException {
        return send(post("/v1/refunds", key, body));
    }

    private JsonNode lookup(String key) throws IOException, InterruptedException {
        return JSON.readTree(get("/v1/refunds?idempotency_key=" + key).body());
    }

    private static JsonNode error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error");
    }
}
