package io.chargeonce.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, reduced, as a user runs it (on free ports): it must end with the report, find every
 * invariant holding and exit 0. Its refunds are judged from the report's refunds block: every
 * accepted refund succeeded and was made once at the provider, the lost response was replayed, the
 * declined payment got its 409 and the refund asking too much its 422.
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

        assertThat(output).containsPattern("refused: payment not confirmed \\(409\\) / over the amount \\(422\\)\\s+1 / 1")
                .containsPattern("needs attention / still pending\\s+0 / 0")
                .containsPattern("refunds made more than once at the provider\\s+0");
        long accepted = number(output, "refunds accepted \\(202, distinct refund ids\\)\\s+(\\d+)");
        assertThat(accepted).as("at least the four behaviours every run plays make five refunds").isGreaterThanOrEqualTo(5);
        assertThat(number(output, "succeeded / failed\\s+(\\d+) / 0")).isEqualTo(accepted);
        assertThat(number(output, "provider refunds made \\(its ledger\\)\\s+(\\d+)")).isEqualTo(accepted);
        assertThat(number(output, "API idempotency \\(same key after a lost response, replayed\\)\\s+(\\d+)")).isPositive();
    }

    private static long number(String output, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        assertThat(matcher.find()).as("the report has a line matching %s", regex).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
