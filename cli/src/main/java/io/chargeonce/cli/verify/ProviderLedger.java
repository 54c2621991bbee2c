package io.chargeonce.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The payment provider's own ledger over HTTP: the ground truth for "charged once". */
public final class ProviderLedger {

    /** One charge the provider made (or declined), with the idempotency key it was made under. */
    public record Charge(String id, String idempotencyKey, String paymentId, long amount, String status) {
        public boolean succeeded() {
            return "succeeded".equals(status);
        }
    }

    /**
     * The whole ledger at one moment.
     *
     * @param replays answers the provider replayed for a known idempotency key (its own dedup layer)
     */
    public record Ledger(List<Charge> charges, long replays) {
        public Ledger {
            charges = List.copyOf(charges);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI ledger;

    public ProviderLedger(String providerUrl) {
        this.ledger = URI.create(providerUrl.replaceAll("/+$", "") + "/v1/ledger");
    }

    public List<Charge> charges() {
        return read().charges();
    }

    public Ledger read() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(ledger).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("provider ledger " + ledger + " answered " + response.statusCode());
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            List<Charge> charges = new ArrayList<>();
            for (JsonNode charge : body.path("charges")) {
                charges.add(new Charge(charge.path("id").asText(), charge.path("idempotencyKey").asText(),
                        charge.path("paymentId").asText(null), charge.path("amount").asLong(),
                        charge.path("status").asText()));
            }
            return new Ledger(charges, body.path("stats").path("replays").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the provider ledger at " + ledger, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
