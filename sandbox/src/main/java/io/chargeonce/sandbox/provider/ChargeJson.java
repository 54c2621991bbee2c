package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderCharge;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of charges: Stripe's charge object, and the ledger's flat record. */
final class ChargeJson {

    static final String DECLINE_MESSAGE = "Your card was declined.";

    private ChargeJson() {
    }

    static Map<String, Object> chargeObject(ProviderCharge charge, ChargeRequest request, String declineCode) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", charge.id());
        json.put("object", "charge");
        json.put("amount", charge.amount());
        json.put("currency", charge.currency());
        json.put("customer", charge.customer());
        json.put("status", charge.status());
        json.put("paid", charge.succeeded());
        json.put("created", charge.createdAt().getEpochSecond());
        json.put("failure_code", charge.succeeded() ? null : "card_declined");
        json.put("failure_message", charge.succeeded() ? null : DECLINE_MESSAGE);
        json.put("outcome", Map.of("type", charge.succeeded() ? "authorized" : "issuer_declined",
                "reason", declineCode == null ? "none" : declineCode));
        json.put("metadata", request.metadata());
        return json;
    }

    static Map<String, Object> declineError(ProviderCharge charge, String declineCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "card_error");
        error.put("code", "card_declined");
        error.put("decline_code", declineCode);
        error.put("message", DECLINE_MESSAGE);
        error.put("charge", charge.id());
        return Map.of("error", error);
    }

    static Map<String, Object> ledgerEntry(ProviderCharge charge) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", charge.id());
        json.put("idempotencyKey", charge.idempotencyKey());
        json.put("paymentId", charge.paymentId());
        json.put("amount", charge.amount());
        json.put("currency", charge.currency());
        json.put("customer", charge.customer());
        json.put("status", charge.status());
        json.put("createdAt", charge.createdAt().toString());
        return json;
    }

    static List<Map<String, Object>> ledger(List<ProviderCharge> charges) {
        return charges.stream().map(ChargeJson::ledgerEntry).toList();
    }
}
