package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderRefund;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of refunds: Stripe's refund object, a stored refusal as a lookup lists it, and the ledger's flat record. */
final class RefundJson {

    private RefundJson() {
    }

    static Map<String, Object> refundObject(ProviderRefund refund, RefundRequest request) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", refund.id());
        json.put("object", "refund");
        json.put("amount", refund.amount());
        json.put("charge", refund.chargeId());
        json.put("currency", refund.currency());
        json.put("status", refund.status());
        json.put("created", refund.createdAt().getEpochSecond());
        json.put("metadata", request.metadata());
        return json;
    }

    /** A refusal has no refund id; {@code amount} is what was asked (null: the whole rest). */
    static Map<String, Object> refusalObject(RefundBook.Refused refused, RefundRequest request) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", null);
        json.put("object", "refund");
        json.put("amount", request.amount());
        json.put("charge", request.charge());
        json.put("currency", refused.currency());
        json.put("status", "failed");
        json.put("failure_reason", refused.code());
        json.put("failure_message", refused.message());
        json.put("created", refused.decidedAt().getEpochSecond());
        json.put("metadata", request.metadata());
        return json;
    }

    static Map<String, Object> lookupObject(RefundBook.Outcome outcome, RefundRequest request) {
        return switch (outcome) {
            case RefundBook.Refunded refunded -> refundObject(refunded.refund(), request);
            case RefundBook.Refused refused -> refusalObject(refused, request);
        };
    }

    static Map<String, Object> ledgerEntry(ProviderRefund refund) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", refund.id());
        json.put("idempotencyKey", refund.idempotencyKey());
        json.put("chargeId", refund.chargeId());
        json.put("paymentId", refund.paymentId());
        json.put("refundId", refund.refundId());
        json.put("amount", refund.amount());
        json.put("currency", refund.currency());
        json.put("status", refund.status());
        json.put("createdAt", refund.createdAt().toString());
        return json;
    }

    static List<Map<String, Object>> ledger(List<ProviderRefund> refunds) {
        return refunds.stream().map(RefundJson::ledgerEntry).toList();
    }
}
