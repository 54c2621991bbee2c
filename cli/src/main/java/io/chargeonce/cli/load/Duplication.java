package io.chargeonce.cli.load;

/** How an app sends one payment: once, or more than once with the same Idempotency-Key. */
public enum Duplication {
    /** One request; retried only if it fails. */
    NONE(1),
    /** The first answer is lost on the way back (the app never reads it), so the app sends again. */
    RETRY_AFTER_LOST_RESPONSE(2),
    /** Two taps at once. */
    DOUBLE_TAP(2),
    /** Three taps at once. */
    TRIPLE_TAP(3);

    private final int sends;

    Duplication(int sends) {
        this.sends = sends;
    }

    /** Requests the app means to send, before any retry. */
    public int sends() {
        return sends;
    }
}
