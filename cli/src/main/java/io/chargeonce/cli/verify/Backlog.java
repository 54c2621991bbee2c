package io.chargeonce.cli.verify;

/**
 * What the caller asserts about in-flight work when it asks for a verdict. The verifier cannot
 * tell a payment that is slow from one that is stuck; the caller can (it stopped the load and
 * waited, see {@link HistoryReader#awaitDrained}).
 */
public enum Backlog {
    /** Every input has been processed: a payment still PENDING is stuck, not slow. */
    DRAINED,
    /** Work may still be moving: PENDING payments and an API lagging the status topic are not violations. */
    IN_FLIGHT
}
