package io.chargeonce.api.history;

import java.util.Locale;

/** What a state change of a payment's story is about: the payment itself or one of its refunds. */
public enum Subject {
    PAYMENT,
    REFUND;

    /** The word in JSON and logs. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
