package io.chargeonce.cli.story;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/charges?idempotency_key=K} at the payment provider: the very question the
 * processor's reconcile asks after an unknown outcome, asked again by an operator. Its answer is
 * what the provider will replay for the key, so it says whether a retry could still charge.
 */
final class ProviderLookup {

    /**
     * A charge the provider holds under the key.
     *
     * @param created the provider's creation time; Stripe-like, to the second
     */
    record KeyedCharge(String id, String status, long amount, String currency, Instant created) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    ProviderLookup(String providerUrl) {
        this.baseUrl = providerUrl.replaceAll("/+$", "");
    }

    List<KeyedCharge> byKey(String idempotencyKey) {
        URI uri = URI.create(baseUrl + "/v1/charges?idempotency_key=" + URLEncoder.encode(idempotencyKey, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("provider lookup " + uri + " answered " + response.statusCode());
            }
            List<KeyedCharge> charges = new ArrayList<>();
            for (JsonNode charge : new ObjectMapper().readTree(response.body()).path("data")) {
                charges.add(new KeyedCharge(charge.path("id").asText(), charge.path("status").asText(),
                        charge.path("amount").asLong(), charge.path("currency").asText(),
                        charge.hasNonNull("created") ? Instant.ofEpochSecond(charge.path("created").asLong()) : null));
            }
            return charges;
        } catch (IOException e) {
            throw new UncheckedIOException("could not look up key " + idempotencyKey + " at the provider " + baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the provider", e);
        }
    }
}
