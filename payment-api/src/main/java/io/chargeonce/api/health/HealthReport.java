package io.chargeonce.api.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to a readiness or liveness probe: each named check {@code UP} or {@code DOWN: reason},
 * and the whole {@code UP} only when every check is. Rendered as
 * {@code {"status":"DOWN","checks":{"postgres":"DOWN: connection refused","kafka":"UP"}}} with HTTP
 * 200 when up and 503 when down, the shape load balancers and Kubernetes probes read.
 */
public record HealthReport(Map<String, String> checks) {

    public static final String UP = "UP";
    private static final String DOWN = "DOWN";
    private static final int MAX_REASON = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    public HealthReport {
        checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** Runs every check in order; a check that throws is down with the exception as its reason. */
    public static HealthReport run(Map<String, HealthCheck> checks) {
        Map<String, String> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> results.put(name, outcome(check)));
        return new HealthReport(results);
    }

    private static String outcome(HealthCheck check) {
        String problem;
        try {
            problem = check.problem();
        } catch (Exception e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (problem == null) {
            return UP;
        }
        // A driver's message can run to paragraphs; the first line says what happened.
        String firstLine = problem.lines().findFirst().orElse(problem).strip();
        return DOWN + ": " + (firstLine.length() > MAX_REASON ? firstLine.substring(0, MAX_REASON) + "..." : firstLine);
    }

    public boolean up() {
        return checks.values().stream().allMatch(UP::equals);
    }

    public int httpStatus() {
        return up() ? 200 : 503;
    }

    public String json() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up() ? UP : DOWN);
        body.put("checks", checks);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }
}
