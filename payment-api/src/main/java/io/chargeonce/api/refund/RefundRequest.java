package io.chargeonce.api.refund;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A validated request to refund (part of) a payment. Build it with {@link RefundRequestParser}.
 *
 * @param amountMinor minor units to return, or null for whatever is still refundable
 * @param reason      the merchant's free text for the provider, or null; never logged
 */
public record RefundRequest(Long amountMinor, String reason) {

    public RefundRequest {
        if (amountMinor != null && amountMinor <= 0) {
            throw new IllegalArgumentException("amountMinor must be > 0");
        }
    }

    /**
     * SHA-256 over the payment and the fields as sent, so the same key replays only the same
     * request for the same payment. "The rest" and an amount that equals the rest are different
     * requests: the first means something else once another refund went in. Each field is
     * length-prefixed (absent: length -1) so no two field splits collide.
     */
    public byte[] fingerprint(UUID paymentId) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
        String amount = amountMinor == null ? null : Long.toString(amountMinor);
        for (String field : new String[]{"refund-v1", paymentId.toString(), amount, reason}) {
            byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(field == null ? -1 : bytes.length).array());
            sha256.update(bytes);
        }
        return sha256.digest();
    }

    @Override
    public String toString() {
        return "RefundRequest[amountMinor=" + amountMinor + ", reason=" + (reason == null ? "none" : "given") + "]";
    }
}
