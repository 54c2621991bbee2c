package io.chargeonce.cli.deadletter;

import java.util.Objects;

/**
 * How a replay run behaves.
 *
 * @param maxReplays     loop guard: a dead letter whose original was already replayed this many
 *                       times goes to the parking topic instead of its origin (default 3: enough to
 *                       retry after a fix, few enough that a record failing for ever stops quickly)
 * @param ratePerSecond  most records re-published per second (default 50: a backlog of poison does
 *                       not crowd out live payments; 0 = unlimited)
 * @param again          also replay dead letters an earlier (non-dry) run already replayed or parked;
 *                       off by default, so running the same replay twice re-publishes nothing new
 * @param reason         required: why, for the audit record
 */
public record ReplayPlan(Selection selection, int maxReplays, double ratePerSecond, boolean dryRun, boolean again,
                         String reason) {
    public static final int DEFAULT_MAX_REPLAYS = 3;
    public static final double DEFAULT_RATE = 50;

    public ReplayPlan {
        Objects.requireNonNull(selection, "selection");
        if (maxReplays < 1) {
            throw new IllegalArgumentException("--max-replays must be >= 1, got " + maxReplays);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must be >= 0, got " + ratePerSecond);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a replay needs a --reason: it goes into the audit record");
        }
    }

    String describe() {
        return selection.describe() + " max-replays=" + maxReplays + (again ? " again" : "");
    }
}
