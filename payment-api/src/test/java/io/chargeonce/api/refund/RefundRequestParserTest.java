package io.chargeonce.api.refund;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RefundRequestParserTest {

    private final RefundRequestParser parser = new RefundRequestParser();

    @Test
    void bothFieldsAreOptionalAndAnEmptyBodyAsksForTheRest() {
        assertThat(parse("{\"amount\":500,\"reason\":\"requested_by_customer\"}"))
                .isEqualTo(new RefundRequestParser.Valid(new RefundRequest(500L, "requested_by_customer")));
        assertThat(parse("{}")).isEqualTo(new RefundRequestParser.Valid(new RefundRequest(null, null)));
        assertThat(parse("  ")).isEqualTo(new RefundRequestParser.Valid(new RefundRequest(null, null)));
    }

    @Test
    void everyBadFieldIsReported() {
        var result = parse("{\"amount\":1.5,\"reason\":\"" + "x".repeat(RefundRequestParser.MAX_REASON_LENGTH + 1)
                + "\",\"currency\":\"USD\"}");

        assertThat(result).isInstanceOfSatisfying(RefundRequestParser.Invalid.class, invalid ->
                assertThat(invalid.errors()).extracting(e -> e.field())
                        .containsExactlyInAnyOrder("amount", "reason", "currency"));
        assertThat(parse("{\"amount\":0}")).isInstanceOf(RefundRequestParser.Invalid.class);
        assertThat(parse("{\"reason\":\"a\\u0000b\"}")).isInstanceOf(RefundRequestParser.Invalid.class);
    }

    @Test
    void nonObjectsAndDuplicateKeysAreMalformed() {
        assertThat(parse("[1]")).isInstanceOf(RefundRequestParser.Malformed.class);
        assertThat(parse("{\"amount\":1,\"amount\":2}")).isInstanceOf(RefundRequestParser.Malformed.class);
    }

    @Test
    void theFingerprintBindsThePaymentTheAmountAsSentAndTheReason() {
        UUID payment = UUID.randomUUID();
        byte[] base = new RefundRequest(500L, "r").fingerprint(payment);

        assertThat(new RefundRequest(500L, "r").fingerprint(payment)).isEqualTo(base);
        assertThat(new RefundRequest(500L, "r").fingerprint(UUID.randomUUID())).isNotEqualTo(base);
        assertThat(new RefundRequest(501L, "r").fingerprint(payment)).isNotEqualTo(base);
        assertThat(new RefundRequest(500L, null).fingerprint(payment)).isNotEqualTo(base);
        assertThat(new RefundRequest(null, "r").fingerprint(payment)).isNotEqualTo(base);
        assertThat(new RefundRequest(500L, "").fingerprint(payment))
                .isNotEqualTo(new RefundRequest(500L, null).fingerprint(payment));
    }

    @Test
    void theReasonNeverShowsInToString() {
        assertThat(new RefundRequest(5L, "secret customer story").toString()).doesNotContain("secret");
    }

    private RefundRequestParser.Result parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }
}
