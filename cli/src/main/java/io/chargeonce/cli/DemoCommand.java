package io.chargeonce.cli;

import io.chargeonce.cli.demo.Demo;
import io.chargeonce.cli.demo.DemoReport;
import io.chargeonce.cli.story.FactsReader;
import io.chargeonce.cli.story.PaymentStory;
import io.chargeonce.cli.verify.HistorySources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.micrometer.core.instrument.MeterRegistry;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

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
            pointToMetrics(stack, out);
            demo.storyPayment().ifPresent(id -> tellStory(stack, id, out));
            out.printf("demo finished in %.1f s (start-up included)%n", (System.nanoTime() - started) / 1e9);
            return report.holds() ? 0 : 1;
        }
    }

    /**
     * Where the live numbers are, and a few of this run's, read from the registry the endpoint
     * serves: the stack stops with the demo, {@code ./chargeonce up} keeps it running.
     */
    private static void pointToMetrics(Stack stack, PrintStream out) {
        out.println();
        out.println("metrics: this run's services served Prometheus metrics at " + stack.managementUrl() + "/metrics"
                + " and readiness at " + stack.managementUrl() + "/health/ready;");
        out.println("         `./chargeonce up` keeps them running at http://127.0.0.1:" + io.chargeonce.cli.service.ManagementServer.DEFAULT_STACK_PORT
                + "/metrics (payment-api also serves /metrics on its own port). A few of this run's:");
        MeterRegistry meters = stack.meters();
        meters.find("chargeonce.api.idempotency").counters().forEach(c ->
                out.printf("  chargeonce_api_idempotency_total{outcome=%s} %.0f%n", c.getId().getTag("outcome"), c.count()));
        meters.find("chargeonce.processor.inbox").counters().forEach(c ->
                out.printf("  chargeonce_processor_inbox_total{decision=%s} %.0f%n", c.getId().getTag("decision"), c.count()));
        meters.find("chargeonce.processor.dead.letters").counters().stream().filter(c -> c.count() > 0).forEach(c ->
                out.printf("  chargeonce_processor_dead_letters_total{class=%s} %.0f%n", c.getId().getTag("class"), c.count()));
        meters.find("chargeonce.api.refund_idempotency").counters().forEach(c ->
                out.printf("  chargeonce_api_refund_idempotency_total{outcome=%s} %.0f%n", c.getId().getTag("outcome"), c.count()));
        meters.find("chargeonce.processor.refund.decisions").counters().forEach(c ->
                out.printf("  chargeonce_processor_refund_decisions_total{decision=%s} %.0f%n", c.getId().getTag("decision"), c.count()));
        meters.find("chargeonce.api.journey").timers().forEach(t -> out.printf(
                "  chargeonce_api_journey_seconds{status=%s} count %d, mean %.0f ms, max %.0f ms%n",
                t.getId().getTag("status"), t.count(), t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS)));
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
