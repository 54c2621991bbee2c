package io.chargeonce.api.trace;

import org.junit.jupiter.api.Test;

import java.util.random.RandomGeneratorFactory;

import static org.assertj.core.api.Assertions.assertThat;

class TraceparentTest {

    private final Traceparent traces = new Traceparent(RandomGeneratorFactory.of("L64X128MixRandom").create(42));

    @Test
    void keepsAValidIncomingTraceparent() {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        assertThat(traces.continueOrStart(incoming)).isEqualTo(incoming);
    }

    @Test
    void startsANewTraceForMissingOrInvalidOnes() {
        for (String invalid : new String[]{null, "", "garbage", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}) {
            String started = traces.continueOrStart(invalid);
            assertThat(started).as(String.valueOf(invalid)).isNotEqualTo(invalid).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(Traceparent.isValid(started)).isTrue();
        }
    }
}
