package io.chargeonce.cli.storm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.sandbox.ProviderStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The provider simulator's own counters over HTTP ({@code GET /v1/sim/stats}), as any stack serves them. */
final class ProviderStatsReader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI stats;

    ProviderStatsReader(String providerUrl) {
        this.stats = URI.create(providerUrl.replaceAll("/+$", "") + "/v1/sim/stats");
    }

    ProviderStats read() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("provider stats " + stats + " answered " + response.statusCode());
            }
            return JSON.readValue(response.body(), ProviderStats.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the provider's stats at " + stats, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the provider's stats", e);
        }
    }
}
