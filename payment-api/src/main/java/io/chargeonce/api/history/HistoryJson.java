package io.chargeonce.api.history;

import io.chargeonce.api.payment.PaymentJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Body of {@code GET /payments/{id}/history}: the audit trail, oldest first. */
public final class HistoryJson {

    private HistoryJson() {
    }

    public static byte[] of(UUID paymentId, List<HistoryEntry> entries) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("paymentId", paymentId.toString());
        body.put("history", entries.stream().map(HistoryJson::entry).toList());
        return PaymentJson.render(body);
    }

    private static Map<String, Object> entry(HistoryEntry entry) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", entry.at().toString());
        row.put("subject", entry.subject().word());
        if (entry.refundId() != null) {
            row.put("refundId", entry.refundId().toString());
        }
        row.put("status", entry.status());
        if (entry.reason() != null) {
            row.put("reason", entry.reason());
        }
        if (entry.eventId() != null) {
            row.put("eventId", entry.eventId());
        }
        return row;
    }
}
