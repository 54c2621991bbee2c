package io.chargeonce.cli;

import io.chargeonce.cli.demo.Demo;
import io.chargeonce.cli.demo.DemoReport;
import io.chargeonce.cli.story.FactsReader;
import io.chargeonce.cli.story.PaymentStory;
import io.chargeonce.cli.verify.HistorySources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce demo}: the main job. Starts everything on the default ports, plays hostile
 * clients and a faulty provider against it, prints the report and exits non-zero if any invariant
 * broke.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start the whole stack, play simulated customers with flaky networks, triple taps and key reuse "
                + "against a slow, declining, response-dropping provider, and report what happened, read from the real systems.",
                "Exits 0 only if every payment was charged at most once, has exactly one result and none is silently stuck."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--payments", defaultValue = "200", description = "Simulated customers, one payment each (default ${DEFAULT-VALUE}).")
    int payments;

    @Option(names = "--clients", defaultValue = "16", description = "Apps paying at the same time (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seed", defaultValue = "7", description = "Seed for behaviours and provider faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--relay-duplicates", defaultValue = "20",
            description = "Request events re-published as a crashed relay would (default ${DEFAULT-VALUE}).")
    int relayDuplicates;

    @Option(names = "--free-ports", description = "Use free ports instead of the documented defaults (8080, 8081, 8090, 9092, 5433).")
    boolean freePorts;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        String key = ApiKeys.demoKey();
        Stack.Options options = freePorts ? Stack.Options.freePorts(key) : Stack.Options.defaults(key);
        long started = System.nanoTime();
        try (Stack stack = Stack.start(options, out)) {
            out.println(stack.describe());
            Demo demo = new Demo(stack, new Demo.Settings(payments, clients, seed, relayDuplicates, Duration.ofSeconds(90)), out);
            DemoReport report = demo.run();
            report.print(out);
            demo.storyPayment().ifPresent(id -> tellStory(stack, id, out));
            out.printf("demo finished in %.1f s (start-up included)%n", (System.nanoTime() - started) / 1e9);
            return report.holds() ? 0 : 1;
        }
    }

    /** One payment's whole story, as {@code chargeonce payment <id>} tells it; a story that cannot be read is only a warning. */
    private static void tellStory(Stack stack, String paymentId, PrintStream out) {
        out.println();
        out.println("one payment's whole story (`./chargeonce payment " + paymentId + "` tells it for any payment):");
        try {
            out.print(PaymentStory.of(new FactsReader(HistorySources.of(stack), Clock.systemUTC()).read(paymentId)).render());
        } catch (RuntimeException e) {
            out.println("warning: could not read the story of payment " + paymentId + ": " + e.getMessage());
        }
    }
}
