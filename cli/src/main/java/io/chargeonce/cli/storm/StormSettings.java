package io.chargeonce.cli.storm;

import java.time.Duration;

/**
 * How hard and how long a storm blows.
 *
 * @param duration            how long new payments are started; the drain comes after it.
 * @param clients             apps paying at the same time. More pushes harder until the API's
 *                            connection pool (10 by default) is the queue.
 * @param ratePerSecond       target payment rate; 0 = as fast as the clients can (closed loop).
 * @param duplicateRatio      share of payments sent more than once with one key (retries after a
 *                            lost response, double and triple taps).
 * @param declineRatio        share of payments for customers the provider declines.
 * @param seed                seed of the load (and of the provider's faults on a stack the storm starts).
 * @param progressEvery       how often a progress line is printed.
 * @param drainTimeout        after the storm, how long accepted payments may take to show a final
 *                            status before the ones still missing count as stuck. Long enough for a
 *                            backlog (relay, processor, provider) to drain; a stuck payment fails the run.
 * @param statusSample        share of payments whose final status is polled for the journey latency.
 *                            1 measures every journey; less takes load off the API on big storms.
 * @param statusPollsPerSecond cap of all status polls together, so measuring does not become the load.
 */
public record StormSettings(
        Duration duration,
        int clients,
        double ratePerSecond,
        double duplicateRatio,
        double declineRatio,
        long seed,
        Duration progressEvery,
        Duration drainTimeout,
        double statusSample,
        double statusPollsPerSecond) {
}
