package io.chargeonce.cli;

import io.chargeonce.cli.story.FactsReader;
import io.chargeonce.cli.story.PaymentFacts;
import io.chargeonce.cli.story.PaymentStory;
import io.chargeonce.cli.verify.HistorySources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce payment <id>}: the whole story of one payment, read from the real systems.
 * Exit 0 if any system knows the payment (whether or not its story is consistent: the verdict line
 * says), 1 if none does, 2 if a system could not be read.
 */
@Command(name = "payment", mixinStandardHelpOptions = true,
        description = {"Tell the whole story of one payment, in time order, read from the real systems: the intent in "
                + "payment-api's table, the outbox event on the request topic (and every redelivery the inbox absorbed), "
                + "each charge attempt and unknown outcome, the provider's charges for its key, every status change, the "
                + "result and any dead letter; then a verdict (charged N times, results, served status, consistent or not).",
                "Defaults point at `chargeonce up` on its documented ports. Exits 1 if no system knows the payment."})
public final class PaymentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<payment id>", description = "The payment id payment-api answered with (POST /payments).")
    String paymentId;

    @Mixin
    HistorySourceOptions systems;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HistorySources sources = systems.sources();
        PaymentFacts facts;
        try {
            facts = new FactsReader(sources, Clock.systemUTC()).read(paymentId.strip());
        } catch (RuntimeException e) {
            err.println("could not read the story of payment " + paymentId + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        if (!facts.known()) {
            err.println("unknown payment " + paymentId + ": payment-api (" + sources.jdbcUrl() + ") has no such intent, and no record"
                    + " on the " + systems.topicPrefix + ".* topics (" + sources.bootstrapServers() + ") nor any provider charge ("
                    + sources.providerUrl() + ") names it. Is it the id POST /payments answered, and are these the right systems?");
            err.flush();
            return 1;
        }
        out.print(PaymentStory.of(facts).render());
        out.flush();
        return 0;
    }
}
