package io.chargeonce.api.payment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentRequestParserTest {

    private final PaymentRequestParser parser = new PaymentRequestParser();

    @Test
    void readsAValidRequestAndUpperCasesTheCurrency() {
        var result = parse("""
                {"orderId":"ord-1","customerId":"cus_1","amount":1050,"currency":"eur"}""");

        assertThat(result).isEqualTo(new ParsedBody.Valid<>(new PaymentRequest("ord-1", "cus_1", 1050, "EUR")));
    }

    @Test
    void namesEveryBadField() {
        var result = parse("""
                {"customerId":42,"amount":-5,"currency":"ABC","capture":false}""");

        assertThat(result).isInstanceOfSatisfying(ParsedBody.Invalid.class, invalid ->
                assertThat(((ParsedBody.Invalid<?>) invalid).errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("orderId", "customerId", "amount", "currency", "capture"));
    }

    @Test
    void refusesFractionalStringAndOversizedAmounts() {
        for (String amount : new String[]{"10.5", "\"1050\"", "1e3", "99999999999999999999", "0"}) {
            var result = parse("{\"orderId\":\"o\",\"customerId\":\"c\",\"amount\":" + amount + ",\"currency\":\"USD\"}");
            assertThat(result).as(amount).isInstanceOfSatisfying(ParsedBody.Invalid.class, invalid ->
                    assertThat(((ParsedBody.Invalid<?>) invalid).errors()).extracting(FieldError::field).containsExactly("amount"));
        }
    }

    @Test
    void refusesBlankOverlongAndControlCharacterIds() {
        for (String orderId : new String[]{"\"  \"", "\"" + "x".repeat(256) + "\"", "\"a\\u0000b\""}) {
            var result = parse("{\"orderId\":" + orderId + ",\"customerId\":\"c\",\"amount\":1,\"currency\":\"USD\"}");
            assertThat(result).as(orderId).isInstanceOfSatisfying(ParsedBody.Invalid.class, invalid ->
                    assertThat(((ParsedBody.Invalid<?>) invalid).errors()).extracting(FieldError::field).containsExactly("orderId"));
        }
    }

    @Test
    void reportsNonObjectsTrailingGarbageAndDuplicateKeysAsMalformed() {
        for (String body : new String[]{"", "[]", "\"x\"", "{\"orderId\":", "{} {}",
                "{\"orderId\":\"a\",\"orderId\":\"b\",\"customerId\":\"c\",\"amount\":1,\"currency\":\"USD\"}"}) {
            assertThat(parse(body)).as(body).isInstanceOf(ParsedBody.Malformed.class);
        }
    }

    @Test
    void fingerprintIgnoresFieldOrderAndCurrencyCaseButNotValues() {
        byte[] original = fingerprint("{\"orderId\":\"o\",\"customerId\":\"c\",\"amount\":100,\"currency\":\"usd\"}");

        assertThat(fingerprint("{\"currency\":\"USD\",\"amount\":100,\"customerId\":\"c\",\"orderId\":\"o\"}"))
                .isEqualTo(original);
        assertThat(fingerprint("{\"orderId\":\"o\",\"customerId\":\"c\",\"amount\":101,\"currency\":\"USD\"}"))
                .isNotEqualTo(original);
        // Moving characters between fields must not collide.
        assertThat(fingerprint("{\"orderId\":\"oc\",\"customerId\":\"\u0020c\",\"amount\":100,\"currency\":\"USD\"}"))
                .isNotEqualTo(fingerprint("{\"orderId\":\"o\",\"customerId\":\"c\u0020c\",\"amount\":100,\"currency\":\"USD\"}"));
    }

    private ParsedBody<PaymentRequest> parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] fingerprint(String body) {
        return ((ParsedBody.Valid<PaymentRequest>) parse(body)).request().fingerprint();
    }
}
