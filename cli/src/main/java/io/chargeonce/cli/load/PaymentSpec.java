package io.chargeonce.cli.load;

import java.time.Instant;

/**
 * One planned payment, fully drawn from the plan's seed before it is sent.
 *
 * @param index          0-based position in the run; the same seed gives the same payment at each index
 * @param merchant       index into {@link LoadPlan#apiKeys()}
 * @param followStatus   whether its final status is polled (the status-polling sample)
 * @param startAt        the start slot the pacer gave it (the moment it was due, for a paced run)
 */
public record PaymentSpec(
        int index,
        int merchant,
        String idempotencyKey,
        String orderId,
        String customerId,
        long amount,
        String currency,
        Duplication duplication,
        boolean followStatus,
        Instant startAt) {
}
