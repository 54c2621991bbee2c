package io.chargeonce.cli.verify;

/**
 * The figures of one history, whatever the verdict.
 *
 * @param payments              accepted payments (rows in payment-api's table)
 * @param pending               of which the API serves PENDING
 * @param confirmed             of which the API serves CONFIRMED
 * @param failed                of which the API serves FAILED
 * @param needsAttention        of which the API serves NEEDS_ATTENTION
 * @param requestRecords        records on the request topic
 * @param distinctRequestEvents distinct event ids among them
 * @param confirmedResults      records on the confirmed topic ({@code read_committed})
 * @param failedResults         records on the failed topic ({@code read_committed})
 * @param deadLetters           records on all dead-letter topics
 * @param abortedResultRecords  result records written by transactions that aborted
 * @param providerCharges       succeeded charges in the provider's ledger
 * @param providerDeclines      declined charges in the provider's ledger
 * @param providerReplays       answers the provider replayed for a known idempotency key
 * @param chargedTwice          payments with more than one succeeded charge
 * @param lost                  payments breaking {@link Invariant#MISSING_RESULT}
 * @param refunds               the refund figures
 */
public record Statistics(
        long payments,
        long pending,
        long confirmed,
        long failed,
        long needsAttention,
        long requestRecords,
        long distinctRequestEvents,
        long confirmedResults,
        long failedResults,
        long deadLetters,
        long abortedResultRecords,
        long providerCharges,
        long providerDeclines,
        long providerReplays,
        long chargedTwice,
        long lost,
        RefundStatistics refunds) {

    public long results() {
        return confirmedResults + failedResults;
    }

    /** Request records the processor's inbox had to drop: relay redeliveries, replays, injected copies. */
    public long duplicatesAbsorbed() {
        return requestRecords - distinctRequestEvents;
    }
}
