package io.chargeonce.api.merchant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What is stored of an API key: its SHA-256. API keys are long random secrets (unlike passwords),
 * so a fast unsalted digest cannot be brute-forced, and it still lets us find the merchant by an
 * indexed equality lookup.
 */
final class ApiKeys {

    /** Longest API key accepted; a bound on what a client can make us hash. */
    static final int MAX_LENGTH = 512;

    private ApiKeys() {
    }

    static byte[] sha256(String apiKey) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    /** Printable ASCII without spaces, so it survives an HTTP header unchanged. */
    static boolean isWellFormed(String apiKey) {
        if (apiKey == null || apiKey.isEmpty() || apiKey.length() > MAX_LENGTH) {
            return false;
        }
        return apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }
}
