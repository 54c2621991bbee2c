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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payment provider's own ledger over HTTP: the ground truth for "charged once" and "refunded
 * once". A provider that knows no refunds (an older simulator) reads as one that made none.
 */
public final class ProviderLedger {

    /** One charge the provider made (or declined), with the idempotency key it was made under. */
    public record Charge(String id, String idempotencyKey, String paymentId, long amount, String status) {
        public boolean succeeded() {
            return "succeeded".equals(status);
        }
    }

    /**
     * One refund the provider made (refusals move no money and are not in its ledger).
     *
     * @param chargeId  the charge it returned money from
     * @param refundId  chargeonce's refund id from the refund's metadata; null if the request carried none
     * @param createdAt when the provider made it; null if it did not say
     */
    public record Refund(String id, String idempotencyKey, String chargeId, String paymentId, String refundId, long amount,
                         String currency, String status, Instant createdAt) {
    }

    /**
     * The whole ledger at one moment.
     *
     * @param replays answers the provider replayed for a known idempotency key (its own dedup layer)
     * @param refunds every refund the provider made
     */
    public record Ledger(List<Charge> charges, long replays, List<Refund> refunds) {
        public Ledger {
            charges = List.copyOf(charges);
            refunds = List.copyOf(refunds);
        }

        public Ledger(List<Charge> charges, long replays) {
            this(charges, replays, List.of());
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
            List<Refund> refunds = new ArrayList<>();
            for (JsonNode refund : body.path("refunds")) {
                refunds.add(new Refund(refund.path("id").asText(), refund.path("idempotencyKey").asText(),
                        refund.path("chargeId").asText(null), refund.path("paymentId").asText(null),
                        refund.path("refundId").asText(null), refund.path("amount").asLong(),
                        refund.path("currency").asText(null), refund.path("status").asText(),
                        instant(refund.path("createdAt").asText(null))));
            }
            return new Ledger(charges, body.path("stats").path("replays").asLong(), refunds);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the provider ledger at " + ledger, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An ISO-8601 time, or null if absent or unreadable: the time only orders a story, it judges nothing. */
    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
