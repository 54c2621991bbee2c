package io.chargeonce.api.merchant;

import io.chargeonce.api.ApiMigration;
import io.chargeonce.sandbox.DatabaseInfo;
import io.chargeonce.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MerchantsTest {

    private static DataSource dataSource;
    private static Merchants merchants;

    @BeforeAll
    static void migrate() {
        DatabaseInfo database = Sandbox.shared().postgres().createDatabase("api_merchants");
        dataSource = database.dataSource();
        ApiMigration.migrate(dataSource);
        merchants = new Merchants(dataSource, Clock.systemUTC());
    }

    @Test
    void provisioningTheSameNameAndKeyTwiceReturnsTheSameMerchant() throws Exception {
        String first = merchants.provision("acme", "sk_test_acme_0123456789abcdefgh");
        String again = merchants.provision("acme", "sk_test_acme_0123456789abcdefgh");

        assertThat(again).isEqualTo(first);
        assertThat(merchants.authenticate("sk_test_acme_0123456789abcdefgh")).hasValueSatisfying(m -> {
            assertThat(m.id().toString()).isEqualTo(first);
            assertThat(m.name()).isEqualTo("acme");
        });
        assertThat(merchants.authenticate("sk_test_acme_0123456789abcdefgX")).isEmpty();
    }

    @Test
    void onlyTheSha256OfTheKeyIsStored() throws Exception {
        String key = "sk_test_stored_0123456789abcdef";
        String id = merchants.provision("stored", key);

        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT api_key_sha256, row_to_json(m)::text FROM merchants m WHERE id = ?::uuid")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getBytes(1)).isEqualTo(
                        MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
                assertThat(row.getString(2)).doesNotContain(key);
            }
        }
    }

    @Test
    void neverRotatesOrSharesAKeySilently() {
        merchants.provision("globex", "sk_test_globex_0123456789abcdef");

        assertThatThrownBy(() -> merchants.provision("globex", "sk_test_globex_other_0123456789"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("different API key");
        assertThatThrownBy(() -> merchants.provision("initech", "sk_test_globex_0123456789abcdef"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already used by another merchant");
        assertThatThrownBy(() -> merchants.provision(" ", "sk_test_x_0123456789abcdefghij"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> merchants.provision("spaces", "sk test with spaces"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
