package io.chargeonce.api.payment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A validated, normalised request to charge a customer: amount in minor units, currency as an
 * upper-case ISO 4217 code. Build it with {@link PaymentRequestParser}.
 */
public record PaymentRequest(String orderId, String customerId, long amountMinor, String currency) {

    public PaymentRequest {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("amountMinor must be > 0");
        }
    }

    /**
     * SHA-256 over the normalised fields, so that two requests meaning the same payment (same
     * values, any field order, any currency case) get the same fingerprint, and any difference in
     * value changes it. Each field is length-prefixed so no two field splits collide.
     */
    public byte[] fingerprint() {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
        for (String field : new String[]{"v1", orderId, customerId, Long.toString(amountMinor), currency}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        return sha256.digest();
    }
}
