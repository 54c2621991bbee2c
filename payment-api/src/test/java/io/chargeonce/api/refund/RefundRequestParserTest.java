package io.chargeonce.api.refund;

import io.chargeonce.api.payment.FieldError;
import io.chargeonce.api.payment.ParsedBody;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RefundRequestParserTest {

    private final RefundRequestParser parser = new RefundRequestParser();

    @Test
    void bothFieldsAreOptionalAndAnEmptyBodyAsksForTheRest() {
        assertThat(parse("{\"amount\":500,\"reason\":\"requested_by_customer\"}"))
                .isEqualTo(new ParsedBody.Valid<>(new RefundRequest(500L, "requested_by_customer")));
        assertThat(parse("{}")).isEqualTo(new ParsedBody.Valid<>(new RefundRequest(null, null)));
        assertThat(parse("  ")).isEqualTo(new ParsedBody.Valid<>(new RefundRequest(null, null)));
    }

    @Test
    void everyBadFieldIsReported() {
        var result = parse("{\"amount\":1.5,\"reason\":\"" + "x".repeat(RefundRequestParser.MAX_REASON_LENGTH + 1)
                + "\",\"currency\":\"USD\"}");

        assertThat(result).isInstanceOfSatisfying(ParsedBody.Invalid.class, invalid ->
                assertThat(((ParsedBody.Invalid<?>) invalid).errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("amount", "reason", "currency"));
        assertThat(parse("{\"amount\":0}")).isInstanceOf(ParsedBody.Invalid.class);
        assertThat(parse("{\"reason\":\"a\\u0000b\"}")).isInstanceOf(ParsedBody.Invalid.class);
    }

    @Test
    void nonObjectsAndDuplicateKeysAreMalformed() {
        assertThat(parse("[1]")).isInstanceOf(ParsedBody.Malformed.class);
        assertThat(parse("{\"amount\":1,\"amount\":2}")).isInstanceOf(ParsedBody.Malformed.class);
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

    private ParsedBody<RefundRequest> parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }
}
