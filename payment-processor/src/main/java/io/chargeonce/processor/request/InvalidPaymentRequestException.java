package io.chargeonce.processor.request;

/**
 * A request that decoded but cannot be charged. The code is stable ("amount_not_positive") and
 * groups dead letters; the message names ids and the broken rule, never card or customer data.
 */
public final class InvalidPaymentRequestException extends RuntimeException {
    private final String code;

    public InvalidPaymentRequestException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
