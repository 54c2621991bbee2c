package io.chargeonce.cli.verify;

/**
 * The refund figures of one history, whatever the verdict; all zero for a system without refunds.
 *
 * @param refunds               refunds payment-api holds (rows of its {@code refunds} table)
 * @param pending               of which it serves PENDING
 * @param succeeded             of which it serves SUCCEEDED
 * @param failed                of which it serves FAILED
 * @param needsAttention        of which it serves NEEDS_ATTENTION
 * @param requestRecords        records on the refund request topic
 * @param distinctRequestEvents distinct event ids among them
 * @param results               records on the refund results topic ({@code read_committed})
 * @param abortedResultRecords  refund result records written by transactions that aborted
 * @param providerRefunds       refunds the provider made
 * @param refundedTwice         refund ids with more than one provider refund
 */
public record RefundStatistics(
        long refunds,
        long pending,
        long succeeded,
        long failed,
        long needsAttention,
        long requestRecords,
        long distinctRequestEvents,
        long results,
        long abortedResultRecords,
        long providerRefunds,
        long refundedTwice) {

    /** Refund request records the processor's inbox had to drop. */
    public long duplicatesAbsorbed() {
        return requestRecords - distinctRequestEvents;
    }
}
