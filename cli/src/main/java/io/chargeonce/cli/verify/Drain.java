package io.chargeonce.cli.verify;

/**
 * What was still moving when {@link HistoryReader#awaitDrained} returned.
 *
 * @param pendingPayments     payments payment-api serves as PENDING
 * @param unprocessedRequests request records the processor has not committed past (its outputs not yet visible)
 */
public record Drain(long pendingPayments, long unprocessedRequests) {

    public boolean drained() {
        return pendingPayments == 0 && unprocessedRequests == 0;
    }

    @Override
    public String toString() {
        return pendingPayments + " payment(s) PENDING, " + unprocessedRequests + " request record(s) not yet processed";
    }
}
