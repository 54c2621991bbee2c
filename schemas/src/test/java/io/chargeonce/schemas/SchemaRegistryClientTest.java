package io.chargeonce.schemas;

import io.chargeonce.events.PaymentRequested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's own decisions, against sockets that misbehave the way real networks do. */
class SchemaRegistryClientTest {

    @Test
    void aRegistryThatAcceptsButNeverAnswersTimesOutAsTransient() throws IOException {
        // the kernel completes the TCP handshake from the backlog; nobody ever reads or answers
        try (ServerSocket silent = new ServerSocket(0);
             SchemaRegistryClient client = new SchemaRegistryClient("http://127.0.0.1:" + silent.getLocalPort(),
                     new RegistryClientConfig(Duration.ofSeconds(2), Duration.ofMillis(300)))) {

            assertThatThrownBy(() -> client.register("payments-value", PaymentRequested.getClassSchema()))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.isTransient()).isTrue();
                        assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
                        assertThat(e.subject()).isEqualTo("payments-value");
                    })
                    .hasCauseInstanceOf(HttpTimeoutException.class)
                    .hasMessageContaining("schema registry unreachable at POST http://127.0.0.1:" + silent.getLocalPort()
                            + "/subjects/payments-value/versions");
        }
    }

    @Test
    void aUrlWithoutSchemeIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new SchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with http:// or https://, got: localhost:8081");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> new RegistryClientConfig(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectTimeout must be a positive duration");
    }
}
