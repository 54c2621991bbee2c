package io.chargeonce.api.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Optional;

/** Finds the Prometheus registry behind a {@link MeterRegistry}, directly or inside a composite. */
public final class PrometheusText {

    /** The content type of the Prometheus text exposition format that {@code scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    public static Optional<PrometheusMeterRegistry> find(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return Optional.of(prometheus);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            return composite.getRegistries().stream().map(PrometheusText::find)
                    .flatMap(Optional::stream).findFirst();
        }
        return Optional.empty();
    }
}
