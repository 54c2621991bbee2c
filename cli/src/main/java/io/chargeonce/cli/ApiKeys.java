package io.chargeonce.cli;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The demo merchant's API key: {@code CHARGEONCE_DEMO_API_KEY} if set, else a fresh random one. */
final class ApiKeys {
    static final String ENV = "CHARGEONCE_DEMO_API_KEY";

    private ApiKeys() {
    }

    static String demoKey() {
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "sk_demo_" + HexFormat.of().formatHex(bytes);
    }
}
