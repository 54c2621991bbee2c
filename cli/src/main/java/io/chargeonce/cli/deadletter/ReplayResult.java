package io.chargeonce.cli.deadletter;

import java.util.List;

/**
 * What a replay run did (or, dry, would do).
 *
 * @param skipped dead letters that matched but an earlier run already replayed or parked
 */
public record ReplayResult(String runId, boolean dryRun, int selected, List<DeadLetterRecord> replayed,
                           List<DeadLetterRecord> parked, List<DeadLetterRecord> skipped,
                           List<DeadLetterRecord> unreadable) {
    public ReplayResult {
        replayed = List.copyOf(replayed);
        parked = List.copyOf(parked);
        skipped = List.copyOf(skipped);
        unreadable = List.copyOf(unreadable);
    }
}
