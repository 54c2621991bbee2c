package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aLostPortRaceIsRetriedOnAnotherPort() throws Exception {
        List<Integer> tried = new ArrayList<>();

        int started = Ports.startOn("test", SandboxConfig.ANY_FREE_PORT, port -> {
            tried.add(port);
            if (tried.size() == 1) {
                throw new IllegalStateException("socket server failed", new BindException("Address already in use"));
            }
            return port;
        });

        assertThat(tried).hasSize(2);
        assertThat(started).isEqualTo(tried.get(1));
    }

    @Test
    void otherFailuresAreNotRetried() {
        List<Integer> tried = new ArrayList<>();

        assertThatThrownBy(() -> Ports.startOn("test", SandboxConfig.ANY_FREE_PORT, port -> {
            tried.add(port);
            throw new IllegalStateException("broken config");
        })).hasMessage("broken config");
        assertThat(tried).hasSize(1);
    }
}
