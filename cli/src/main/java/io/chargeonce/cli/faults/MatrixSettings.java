package io.chargeonce.cli.faults;

import java.time.Duration;
import java.util.List;

/**
 * What the fault matrix plays. The reduced form runs inside the test command (every fault, one
 * seed, a small load); the full form is {@code chargeonce faults} (several seeds, more payments).
 *
 * @param faults          rows to run, in order, on one cluster per seed
 * @param seeds           one fresh cluster per seed; the seed draws the fault moment, the pauses and the load
 * @param paymentsPerRow  payments sent during each row
 * @param clients         apps paying at once
 * @param ratePerSecond   payment rate; low enough that a fault lands while payments are in flight
 * @param drainTimeout    how long a row waits for every payment to settle after the load and the fault
 * @param refundsPerRow   cap on refunds sent during each row (a quarter of the CONFIRMED payments of earlier
 *                        rows, at most this many): enough to put refunds in flight under every fault, few
 *                        enough that a late row costs no more than an early one; 0 switches refunds off
 * @param refundRatePerSecond refunds started per second; slow enough that they span the payments'
 *                        seconds, when the fault lands
 */
public record MatrixSettings(List<Fault> faults, List<Long> seeds, int paymentsPerRow, int clients,
                             double ratePerSecond, Duration drainTimeout, int refundsPerRow,
                             double refundRatePerSecond) {

    /** Refunds sized to the payments: a quarter of a row's payments per row, spread over the row's payment time. */
    public MatrixSettings(List<Fault> faults, List<Long> seeds, int paymentsPerRow, int clients, double ratePerSecond,
                          Duration drainTimeout) {
        this(faults, seeds, paymentsPerRow, clients, ratePerSecond, drainTimeout, Math.max(1, paymentsPerRow / 4),
                ratePerSecond / 3);
    }

    public MatrixSettings {
        faults = List.copyOf(faults);
        seeds = List.copyOf(seeds);
        if (faults.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("the matrix needs at least one fault and one seed");
        }
        if (paymentsPerRow < 1 || clients < 1 || !(ratePerSecond > 0)) {
            throw new IllegalArgumentException("paymentsPerRow, clients and ratePerSecond must be positive");
        }
        if (refundsPerRow < 0 || !(refundRatePerSecond > 0)) {
            throw new IllegalArgumentException("refundsPerRow must be >= 0 and refundRatePerSecond positive");
        }
    }

    /** The form the test command runs: every row once, small load. */
    public static MatrixSettings reduced() {
        return new MatrixSettings(List.of(Fault.values()), List.of(1L), 24, 6, 12, Duration.ofSeconds(120));
    }

    /** The form {@code chargeonce faults} runs by default. */
    public static MatrixSettings full() {
        return new MatrixSettings(List.of(Fault.values()), List.of(1L, 2L, 3L), 80, 12, 25, Duration.ofSeconds(180));
    }
}
