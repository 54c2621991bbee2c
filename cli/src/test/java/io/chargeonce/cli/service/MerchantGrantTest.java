package io.chargeonce.cli.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MerchantGrantTest {

    @Test
    void readsCommaSeparatedNameKeyPairsAndKeysMayContainColons() {
        assertThat(MerchantGrant.parse(" shop-a:sk_a , shop-b:sk:b:c"))
                .containsExactly(new MerchantGrant("shop-a", "sk_a"), new MerchantGrant("shop-b", "sk:b:c"));
        assertThat(MerchantGrant.parse(null)).isEmpty();
        assertThat(MerchantGrant.parse(" ")).isEmpty();
    }

    @Test
    void aMalformedGrantIsRefusedWithoutPrintingTheKey() {
        assertThatThrownBy(() -> MerchantGrant.parse("shop-a:sk_a,sk_secret_without_name"))
                .hasMessageContaining(MerchantGrant.ENV)
                .hasMessageNotContaining("sk_secret");
        assertThatThrownBy(() -> MerchantGrant.parse("shop-a:")).hasMessageContaining("needs an API key");
        assertThatThrownBy(() -> MerchantGrant.parse(":sk_a")).hasMessageContaining("needs a name");
        assertThat(new MerchantGrant("shop-a", "sk_secret").toString()).doesNotContain("sk_secret");
    }
}
