package io.chargeonce.cli;

import io.chargeonce.cli.verify.Backlog;
import io.chargeonce.cli.verify.Drain;
import io.chargeonce.cli.verify.HistoryReader;
import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.cli.verify.HistoryVerifier;
import io.chargeonce.cli.verify.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce verify}: reads the whole history of a running stack (payment-api's table, every
 * topic, the provider's ledger) and checks every invariant over it. Exit 0 iff all hold; 1 if one
 * breaks; 2 if the history could not be read.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Read the complete history of a running chargeonce (payments, request/status/result/dead-letter "
                + "topics, the provider's ledger) and check that every payment was charged at most once, has exactly one "
                + "result or is visibly NEEDS_ATTENTION, and that the API tells the truth.",
                "Defaults point at `chargeonce up` on its documented ports. Exits 0 only if every invariant holds."})
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    HistorySourceOptions systems;

    @Option(names = "--await-drained", paramLabel = "<seconds>", defaultValue = "-1",
            description = {"Wait up to this long for no payment to be PENDING and every request record to be processed, "
                    + "then judge the backlog as drained: a payment still PENDING is stuck. Without it, PENDING payments "
                    + "are taken as still in flight. Only say it once nothing is sending payments any more."})
    long awaitDrainedSeconds;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        HistorySources sources = systems.sources();
        Clock clock = Clock.systemUTC();
        try (HistoryReader reader = new HistoryReader(sources, clock)) {
            Backlog backlog = Backlog.IN_FLIGHT;
            if (awaitDrainedSeconds >= 0) {
                Drain drain = reader.awaitDrained(clock.instant().plus(Duration.ofSeconds(awaitDrainedSeconds)));
                out.println(drain.drained() ? "drained: no payment PENDING, every request processed"
                        : "not drained after " + awaitDrainedSeconds + " s (" + drain + "): judging what is left as stuck");
                backlog = Backlog.DRAINED;
            }
            Verdict verdict = new HistoryVerifier(backlog).verify(reader.read());
            verdict.print(out);
            return verdict.holds() ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("could not read the history: " + e.getMessage());
            return 2;
        }
    }
}
