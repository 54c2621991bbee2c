package io.chargeonce.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, reduced, as a user runs it (on free ports): it must end with the report, find every
 * invariant holding and exit 0.
 */
class DemoCommandTest {

    @Test
    void demoEndsWithTheReportAndNoPaymentChargedTwice() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream tee = new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            exit = new CommandLine(new Main()).execute("demo", "--free-ports", "--payments", "40", "--clients", "8",
                    "--relay-duplicates", "5", "--seed", "3");
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
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

    /** Writes to the console and to a buffer, so a failing run still shows its progress. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
