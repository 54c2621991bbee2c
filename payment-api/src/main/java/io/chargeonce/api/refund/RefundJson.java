package io.chargeonce.api.refund;

import io.chargeonce.api.payment.Payment;
import io.chargeonce.api.payment.PaymentJson;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON a merchant gets for refunds. The accepted response is rendered once, stored with the
 * refund and replayed as stored bytes, so its shape here only matters for new refunds.
 */
public final class RefundJson {

    private RefundJson() {
    }

    /** Body of the 202 answering a new refund; the merchant's reason is echoed to the merchant only. */
    public static byte[] accepted(UUID refundId, UUID paymentId, long amountMinor, String currency, String reason,
                                  Instant createdAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("refundId", refundId.toString());
        body.put("paymentId", paymentId.toString());
        body.put("status", RefundState.PENDING.name());
        body.put("amount", amountMinor);
        body.put("currency", currency);
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("createdAt", createdAt.toString());
        return PaymentJson.render(body);
    }

    /** Body of {@code GET /payments/{pid}/refunds/{rid}}. */
    public static byte[] view(Refund refund) {
        return PaymentJson.render(fields(refund));
    }

    /** Body of {@code GET /payments/{pid}/refunds}: oldest first. */
    public static byte[] list(List<Refund> refunds) {
        return PaymentJson.render(Map.of("refunds", refunds.stream().map(RefundJson::fields).toList()));
    }

    /** Body of {@code GET /payments/{id}}: the payment, what was refunded (SUCCEEDED only) and every refund. */
    public static byte[] paymentView(Payment payment, List<Refund> refunds) {
        Map<String, Object> body = PaymentJson.fields(payment);
        body.put("amountRefunded", refunds.stream()
                .filter(r -> r.status() == RefundState.SUCCEEDED).mapToLong(Refund::amountMinor).sum());
        body.put("refunds", refunds.stream().map(RefundJson::fields).toList());
        return PaymentJson.render(body);
    }

    private static Map<String, Object> fields(Refund refund) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("refundId", refund.id().toString());
        body.put("paymentId", refund.paymentId().toString());
        body.put("status", refund.status().name());
        if (refund.reason() != null) {
            body.put("reason", refund.reason());
        }
        if (refund.reasonCode() != null) {
            body.put("reasonCode", refund.reasonCode());
        }
        body.put("amount", refund.amountMinor());
        body.put("currency", refund.currency());
        if (refund.providerRefundId() != null) {
            body.put("providerRefundId", refund.providerRefundId());
        }
        body.put("createdAt", refund.createdAt().toString());
        body.put("updatedAt", refund.updatedAt().toString());
        return body;
    }
}
