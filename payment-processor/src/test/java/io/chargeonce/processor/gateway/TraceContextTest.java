package io.chargeonce.processor.gateway;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TraceContextTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aChildKeepsTheTraceIdAndFlagsWithANewSpanId() {
        String child = TraceContext.childOf(PARENT, new SplittableRandom(7)).orElseThrow();

        assertThat(child).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
        assertThat(child.substring(36, 52)).isNotEqualTo("00f067aa0ba902b7").isNotEqualTo("0".repeat(16));
    }

    @Test
    void noValidParentNoChild() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(TraceContext.childOf(null, random)).isEmpty();
        assertThat(TraceContext.childOf("garbage", random)).isEmpty();
        assertThat(TraceContext.childOf("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", random)).isEmpty();
        assertThat(TraceContext.childOf("00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01", random)).isEmpty();
    }
}
