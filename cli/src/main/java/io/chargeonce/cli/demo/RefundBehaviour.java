package io.chargeonce.cli.demo;

/** How a merchant refunds one payment in the demo. */
public enum RefundBehaviour {
    /** One refund of the whole payment, the amount left out (the API defaults it to the refundable rest). */
    FULL,
    /** One refund of part of the payment. */
    PARTIAL,
    /** A partial refund whose response is "lost": the merchant sends it again with the same Idempotency-Key. */
    LOST_RESPONSE,
    /** Two partial refunds under two keys, then a third asking one unit more than is left: must get 422. */
    TWO_PARTIALS_THEN_TOO_MUCH,
    /** A refund of a payment that was declined: must get 409, nothing refunded. */
    NOT_CONFIRMED
}
