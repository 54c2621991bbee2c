package io.chargeonce.cli.verify;

/**
 * What was still moving when {@link HistoryReader#awaitDrained} returned.
 *
 * @param pendingPayments           payments payment-api serves as PENDING
 * @param unprocessedRequests       payment request records the processor has not committed past (its outputs not yet visible)
 * @param pendingRefunds            refunds payment-api serves as PENDING
 * @param unprocessedRefundRequests refund request records the processor has not committed past
 */
public record Drain(long pendingPayments, long unprocessedRequests, long pendingRefunds, long unprocessedRefundRequests) {

    /** A system without refunds. */
    public Drain(long pendingPayments, long unprocessedRequests) {
        this(pendingPayments, unprocessedRequests, 0, 0);
    }

    public boolean drained() {
        return pendingPayments == 0 && unprocessedRequests == 0 && pendingRefunds == 0 && unprocessedRefundRequests == 0;
    }

    @Override
    public String toString() {
        return pendingPayments + " payment(s) PENDING, " + unprocessedRequests + " request record(s) not yet processed, "
                + pendingRefunds + " refund(s) PENDING, " + unprocessedRefundRequests + " refund request record(s) not yet processed";
    }
}
