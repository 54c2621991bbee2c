package io.chargeonce.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chargeonce storm}, shortened, as a user runs it on free ports: a report with every line
 * the storm promises (throughput, latencies, each layer's deduplication, charged twice, lost), the
 * layers measured from the real systems, and exit 0 because nothing was charged twice or lost.
 */
class StormCommandTest {

    @Test
    void aShortStormReportsEveryLayerAndExitsZero() {
        CommandRun run = CommandRun.of("storm", "--seconds", "3", "--free-ports", "--clients", "4",
                "--progress-seconds", "1", "--seed", "11");
        int exit = run.exit();
        String output = run.output();
        assertThat(exit).as("storm exit code; output:%n%s", output).isZero();
        assertThat(output)
                .contains("chargeonce storm report")
                .containsPattern("\\[\\s*\\d+\\.\\d s\\] \\d+ payments accepted")
                .containsPattern("throughput: accepted payments/s\\s+\\d+\\.\\d")
                .containsPattern("throughput: POST requests/s\\s+\\d+\\.\\d")
                .containsPattern("journey latency POST -> final status in the API p50 / p99 / p99.9\\s+[\\d.]+ ms / [\\d.]+ ms / [\\d.]+ ms")
                .containsPattern("POST latency p50 / p99\\s+[\\d.]+ ms / [\\d.]+ ms")
                // duplicates hit the API: some answers were replays
                .containsPattern("API: Idempotent-Replayed answers / answered POSTs\\s+[1-9]\\d* / \\d+")
                .containsPattern("inbox: duplicate request events / request records\\s+\\d+ / [1-9]\\d*")
                .containsPattern("provider: idempotent replays / charge requests\\s+\\d+ / [1-9]\\d*.*lookups by key \\d+")
                .containsPattern("payments planned / accepted / not accepted\\s+(\\d+) / \\1 / 0")
                .containsPattern("payments charged more than once\\s+0\\R")
                .containsPattern("requests lost \\(accepted, never on the request topic\\)\\s+0\\R")
                .containsPattern("payments without a final status after the drain\\s+0\\R")
                .contains("every check holds");
    }
}
