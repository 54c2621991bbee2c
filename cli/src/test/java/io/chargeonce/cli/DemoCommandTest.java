package io.chargeonce.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, reduced, as a user runs it (on free ports): it must end with the report, find every
 * invariant holding and exit 0.
 */
class DemoCommandTest {

    @Test
    void demoEndsWithTheReportAndNoPaymentChargedTwice() {
        CommandRun run = CommandRun.of("demo", "--free-ports", "--payments", "40", "--clients", "8",
                "--relay-duplicates", "5", "--seed", "3");
        int exit = run.exit();
        String output = run.output();
        assertThat(exit).as("demo exit code; output:%n%s", output).isZero();
        assertThat(output).contains("chargeonce demo report")
                .containsPattern("payments charged more than once\\s+0")
                .containsPattern("payments requested \\(simulated customers\\)\\s+40")
                .contains("every invariant holds")
                .contains("metrics: this run")
                .contains("one payment's whole story")
                .containsPattern("verdict: charged 1 time.* consistent")
                .doesNotContain("INCONSISTENT");
    }
}
