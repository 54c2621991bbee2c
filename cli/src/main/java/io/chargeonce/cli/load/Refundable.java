package io.chargeonce.cli.load;

/**
 * A payment a merchant may refund, as the merchant's own books know it.
 *
 * @param merchant index into the API keys of the plan that made it: only that merchant sees it
 * @param amount   what was charged, in minor units
 * @param claimed  what this merchant's refunds may already hold of it: every refund it asked for,
 *                 counted whether the API accepted it or the answer never came, so whatever is left
 *                 always fits, even when a refund the client gave up on was in fact accepted
 */
public record Refundable(String paymentId, int merchant, long amount, long claimed) {

    /** What a new refund can still ask for without the API refusing it as too much. */
    public long remaining() {
        return amount - claimed;
    }
}
