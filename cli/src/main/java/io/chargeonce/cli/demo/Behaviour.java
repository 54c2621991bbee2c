package io.chargeonce.cli.demo;

/** How one simulated customer's app behaves when paying. */
public enum Behaviour {
    /** One tap, the response arrives. */
    CALM,
    /** The network loses the response; the app retries with the same Idempotency-Key (up to twice). */
    FLAKY_NETWORK,
    /** Three taps at once with the same Idempotency-Key. */
    TRIPLE_TAP,
    /** A buggy client reuses its Idempotency-Key with a changed amount: must get 422, not a second payment. */
    KEY_REUSE_CHANGED_AMOUNT,
    /** A card the provider always declines. */
    DECLINED_CARD
}
