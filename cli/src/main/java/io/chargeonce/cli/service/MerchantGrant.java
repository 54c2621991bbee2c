package io.chargeonce.cli.service;

import java.util.ArrayList;
import java.util.List;

/**
 * A merchant the api service provisions at start: {@code CHARGEONCE_API_PROVISION_MERCHANT} holds
 * {@code name:key} pairs separated by commas, e.g. {@code shop-a:sk_a,shop-b:sk_b}. Provisioning is
 * idempotent, so a restarted service granting the same pairs changes nothing.
 *
 * @param name   merchant name
 * @param apiKey its API key (everything after the first ':'; never logged)
 */
record MerchantGrant(String name, String apiKey) {

    static final String ENV = "CHARGEONCE_API_PROVISION_MERCHANT";

    MerchantGrant {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(ENV + ": a merchant needs a name before ':'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException(ENV + ": merchant '" + name + "' needs an API key after ':'");
        }
    }

    /** The grants in {@code raw} (null or blank: none). */
    static List<MerchantGrant> parse(String raw) {
        List<MerchantGrant> grants = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return grants;
        }
        for (String pair : raw.split(",")) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(ENV + " must be name:key[,name:key...]; '"
                        + pair.strip().replaceAll(".", "*") + "' has no ':'");
            }
            grants.add(new MerchantGrant(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip()));
        }
        return grants;
    }

    @Override
    public String toString() {
        return "MerchantGrant[" + name + "]";
    }
}
