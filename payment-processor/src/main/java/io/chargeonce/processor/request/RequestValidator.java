package io.chargeonce.processor.request;

import io.chargeonce.events.PaymentRequested;

import java.nio.charset.StandardCharsets;
import java.util.Currency;
import java.util.Optional;

/**
 * The rules a decoded request must meet before anyone is charged. They mirror what payment-api
 * enforces, because a request that breaks them here means a bug or tampering upstream, and
 * charging it would turn that into money moving.
 */
public final class RequestValidator {

    private RequestValidator() {
    }

    /** The first broken rule, or empty if the request may be charged. */
    public static Optional<InvalidPaymentRequestException> violation(byte[] key, PaymentRequested event) {
        String paymentId = event.getPaymentId();
        if (blank(event.getEventId())) {
            return invalid("missing_event_id", "the request for payment " + paymentId + " has no event id");
        }
        if (blank(paymentId)) {
            return invalid("missing_payment_id", "event " + event.getEventId() + " has no payment id");
        }
        if (blank(event.getMerchantId())) {
            return invalid("missing_merchant_id", "payment " + paymentId + " has no merchant id");
        }
        if (blank(event.getOrderId())) {
            return invalid("missing_order_id", "payment " + paymentId + " has no order id");
        }
        if (blank(event.getCustomerId())) {
            return invalid("missing_customer_id", "payment " + paymentId + " has no customer id");
        }
        if (key == null || !paymentId.equals(new String(key, StandardCharsets.UTF_8))) {
            // The key routes a payment to one partition; a mismatch means its events could be split
            // across tasks and ledgers, and charged by two of them.
            return invalid("key_mismatch", "payment " + paymentId + " arrived under a different record key");
        }
        if (event.getAmountMinor() <= 0) {
            return invalid("amount_not_positive", "payment " + paymentId + " has amount " + event.getAmountMinor() + ", must be > 0");
        }
        if (!knownCurrency(event.getCurrency())) {
            return invalid("unknown_currency", "payment " + paymentId + " has currency '" + event.getCurrency()
                    + "', not an upper-case ISO 4217 code");
        }
        return Optional.empty();
    }

    /** An upper-case ISO 4217 code the JDK knows. */
    public static boolean knownCurrency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static Optional<InvalidPaymentRequestException> invalid(String code, String message) {
        return Optional.of(new InvalidPaymentRequestException(code, message));
    }
}
