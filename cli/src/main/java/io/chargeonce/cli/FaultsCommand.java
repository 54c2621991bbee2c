package io.chargeonce.cli;

import io.chargeonce.cli.faults.Fault;
import io.chargeonce.cli.faults.FaultMatrix;
import io.chargeonce.cli.faults.MatrixSettings;
import io.chargeonce.cli.faults.RowResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code chargeonce faults}: the full fault matrix. Every service runs as its own process; each row
 * injects a real fault (signals, provider faults, duplicate and poison records, concurrent key
 * abuse) under load and checks the whole history. One line per row; exit 0 only if every row holds.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {"Run the fault matrix: kill -9 and clean restarts of every component, zombie and rebalancing "
                + "processors, provider timeouts/5xx/declines/drops/outages, duplicate events, DLT replays, key abuse; "
                + "after each row the complete history is verified.",
                "Prints one line per row (payments, faults injected, duplicates absorbed, charged-twice, lost); exit 0 iff all pass."})
public final class FaultsCommand implements Callable<Integer> {

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
            description = "Seeds, one fresh cluster each (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--faults", split = ",",
            description = "Rows to run, by label (default: all). Known: kill-relay, kill-processor, kill-api, kill-broker, "
                    + "kill-postgres, restart-*, kill-one-of-two-processors, zombie-processor, rebalance, provider-*, "
                    + "duplicate-events, dlt-replay-twice, concurrent-same-key, same-key-different-bodies, "
                    + "same-key-two-merchants, relay-offsets-lost.")
    List<String> faults;

    @Option(names = "--payments", defaultValue = "80", description = "Payments per row (default ${DEFAULT-VALUE}).")
    int payments;

    @Option(names = "--clients", defaultValue = "12", description = "Concurrent apps (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", defaultValue = "25", description = "Payments per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() throws Exception {
        List<Fault> rows = faults == null || faults.isEmpty()
                ? Arrays.asList(Fault.values())
                : faults.stream().map(Fault::fromLabel).toList();
        MatrixSettings settings = new MatrixSettings(rows, seeds, payments, clients, rate, Duration.ofMinutes(3));
        List<RowResult> results = new FaultMatrix(settings, FaultMatrix.clusterOptions(), System.out).run();
        long failed = results.stream().filter(r -> !r.passed()).count();
        System.out.println();
        System.out.printf("fault matrix: %d rows, %d passed, %d failed%n", results.size(), results.size() - failed, failed);
        return failed == 0 ? 0 : 1;
    }
}
