package io.chargeonce.cli.deadletter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce dlt list|show|replay}: look at dead letters and replay them safely. Exit 0 on
 * success, 2 when the input is wrong or Kafka/the registry cannot be reached.
 */
@Command(name = "dlt", mixinStandardHelpOptions = true,
        description = {"Dead letters: count them (list), read them (show), re-publish them safely (replay).",
                "Defaults point at `chargeonce up` on its documented ports."},
        subcommands = {DltCommand.ListCommand.class, DltCommand.ShowCommand.class, DltCommand.ReplayCommand.class})
public final class DltCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static Integer guarded(Callable<Integer> body) {
        try {
            return body.call();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Ours: the message is written for the person at the terminal, the class name would only add noise.
            System.err.println("dlt: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            System.err.println("dlt: " + e);
            return 2;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Counts per topic, class and fingerprint, with the age of the oldest and the error.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        DltOptions options;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            return guarded(() -> {
                new DeadLetterReport(options.settings(), clock).list(options.selection(clock), System.out);
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Sample dead letters decoded: class, fingerprint, error, origin, ids, original headers and value.")
    static final class ShowCommand implements Callable<Integer> {
        @Mixin
        DltOptions options;

        @Option(names = "--limit", defaultValue = "10", description = "Most records shown (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            return guarded(() -> {
                new DeadLetterReport(options.settings(), clock).show(options.selection(clock), limit, System.out);
                return 0;
            });
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-publish selected dead letters to their origin topic with their original key, value and "
                    + "headers (event id and payment id kept), so what was already applied stays a no-op.",
                    "Each run writes one audit record (who, when, why, what) to the audit topic, dry runs too. "
                            + "A dead letter already replayed --max-replays times is parked instead; dead letters an "
                            + "earlier run replayed are skipped unless --again."})
    static final class ReplayCommand implements Callable<Integer> {
        @Mixin
        DltOptions options;

        @Option(names = "--reason", required = true, description = "Why (required; goes into the audit record).")
        String reason;

        @Option(names = "--dry-run", description = "Show what would be replayed and parked; write only the audit record.")
        boolean dryRun;

        @Option(names = "--rate", defaultValue = "" + ReplayPlan.DEFAULT_RATE,
                description = "Most records per second (default ${DEFAULT-VALUE}; 0 = unlimited).")
        double rate;

        @Option(names = "--max-replays", defaultValue = "" + ReplayPlan.DEFAULT_MAX_REPLAYS,
                description = "Loop guard: park a dead letter already replayed this often (default ${DEFAULT-VALUE}).")
        int maxReplays;

        @Option(names = "--again", description = "Also replay dead letters an earlier run already replayed or parked.")
        boolean again;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            return guarded(() -> {
                ReplayPlan plan = new ReplayPlan(options.selection(clock), maxReplays, rate, dryRun, again, reason);
                ReplayResult result = new Replayer(options.settings(), clock).replay(plan);
                print(result, System.out);
                return 0;
            });
        }

        private static void print(ReplayResult result, PrintStream out) {
            String verb = result.dryRun() ? "would replay" : "replayed";
            result.replayed().forEach(r -> out.printf("%s %s (payment %s, event %s, replay %d) -> %s%n", verb, r.id(),
                    r.paymentId(), r.eventId(), r.replayCount() + 1, r.letter().getOriginTopic()));
            result.parked().forEach(r -> out.printf("%s %s (payment %s): replayed %d times already%n",
                    result.dryRun() ? "would park" : "parked", r.id(), r.paymentId(), r.replayCount()));
            result.unreadable().forEach(r -> out.printf("cannot replay %s: its envelope does not decode%n", r.id()));
            out.printf("run %s%s: %d selected, %d %s, %d parked, %d skipped (already replayed; --again to include)%n",
                    result.runId(), result.dryRun() ? " (dry run)" : "", result.selected(), result.replayed().size(),
                    verb, result.parked().size(), result.skipped().size());
        }
    }
}
