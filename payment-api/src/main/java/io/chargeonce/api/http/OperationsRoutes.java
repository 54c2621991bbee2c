package io.chargeonce.api.http;

import io.chargeonce.api.health.HealthCheck;
import io.chargeonce.api.health.HealthReport;
import io.chargeonce.api.metrics.PrometheusText;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The operator's endpoints, open without an API key (they carry no merchant data): {@code GET /metrics}
 * (Prometheus text), {@code GET /health/live} (the process answers) and {@code GET /health/ready}
 * (every dependency answers; 503 with the reasons otherwise). Expose this port to the monitoring
 * network, not to the internet, if the payment counts are sensitive to you.
 */
public final class OperationsRoutes {

    /** Paths that {@link PaymentRoutes} must not authenticate. */
    static final Set<String> PATHS = Set.of("/metrics", "/health/live", "/health/ready");

    private final MeterRegistry meters;
    private final Map<String, HealthCheck> readiness;

    public OperationsRoutes(MeterRegistry meters, Map<String, HealthCheck> readiness) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.readiness = new LinkedHashMap<>(readiness);
    }

    public void register(JavalinConfig config) {
        config.routes.get("/metrics", this::metrics);
        config.routes.get("/health/live", ctx -> send(ctx, new HealthReport(Map.of())));
        config.routes.get("/health/ready", ctx -> send(ctx, HealthReport.run(readiness)));
    }

    private void metrics(Context ctx) {
        var prometheus = PrometheusText.find(meters).orElseThrow(() -> new ApiException(404, "metrics_not_exported",
                "this payment-api was started with a meter registry that has no Prometheus registry"));
        ctx.status(200).contentType(PrometheusText.CONTENT_TYPE).result(prometheus.scrape());
    }

    private static void send(Context ctx, HealthReport report) {
        ctx.status(report.httpStatus()).contentType("application/json").result(report.json());
    }
}
