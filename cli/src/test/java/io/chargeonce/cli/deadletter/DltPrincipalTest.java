package io.chargeonce.cli.deadletter;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit names who the broker let in: the SASL login wins over a label, and a contradicting label is refused. */
class DltPrincipalTest {

    private static Properties loginAs(String user) {
        Properties properties = new Properties();
        properties.setProperty("security.protocol", "SASL_PLAINTEXT");
        properties.setProperty("sasl.mechanism", "PLAIN");
        properties.setProperty("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"not-a-username=\\\"x\\\"\";");
        return properties;
    }

    @Test
    void withoutPrincipalTheLoginIsRecorded() {
        assertThat(DltSettings.principal(null, loginAs("ops"))).isEqualTo("ops");
    }

    @Test
    void aPrincipalMatchingTheLoginIsKept() {
        assertThat(DltSettings.principal("ops", loginAs("ops"))).isEqualTo("ops");
    }

    @Test
    void aPrincipalContradictingTheLoginIsRefusedNamingBoth() {
        assertThatThrownBy(() -> DltSettings.principal("alice", loginAs("ops")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'alice'").hasMessageContaining("'ops'").hasMessageContaining("--principal");
    }

    @Test
    void withoutLoginTheAskedPrincipalOrTheOsUserIsRecorded() {
        assertThat(DltSettings.principal("alice", new Properties())).isEqualTo("alice");
        assertThat(DltSettings.principal(null, new Properties())).isEqualTo(DltSettings.osUser());
    }
}
