package io.chargeonce.processor.refund;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.processor.ledger.Origin;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.time.Instant;

/**
 * Refund entries as JSON in the store and its changelog, for the same reasons as the payment
 * ledger's: private to this service, readable with a console consumer, unknown fields ignored so
 * a rollback survives a newer layout; {@code v} marks the layout.
 */
public final class RefundEntrySerde implements Serde<RefundEntry> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Override
    public Serializer<RefundEntry> serializer() {
        return (topic, entry) -> entry == null ? null : write(entry);
    }

    @Override
    public Deserializer<RefundEntry> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(RefundEntry entry) {
        try {
            return JSON.writeValueAsBytes(Stored.of(entry));
        } catch (IOException e) {
            throw new SerializationException("cannot write refund entry " + entry.refundId(), e);
        }
    }

    static RefundEntry read(byte[] bytes) {
        try {
            return JSON.readValue(bytes, Stored.class).toEntry();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a refund entry (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    /**
     * The stored layout: one flat object, times as epoch milliseconds. {@code replayCount} was added
     * to layout 1 without a new {@code v}: it is written only when above 0 and read as 0 when
     * absent, so entries written before it still read, an entry that was never replayed is stored
     * byte for byte as before, and an older version rolled back to ignores it.
     */
    record Stored(int v, RefundStatus status,
                  String eventId, String refundId, String paymentId, String merchantId, long amountMinor,
                  String currency, String merchantReason, long requestedAt,
                  String originTopic, int originPartition, long originOffset, long originTimestamp, String traceparent,
                  Integer replayCount,
                  String idempotencyKey, String chargeId, int attempt, long firstAttemptAt,
                  Long nextCheckAt, String lastUnknown,
                  String providerRefundId, String reasonCode, String reason, Long decidedAt) {

        static Stored of(RefundEntry entry) {
            RefundRequest r = entry.request();
            Origin o = r.origin();
            Long nextCheckAt = null;
            String lastUnknown = null;
            String refundId = null;
            String reasonCode = null;
            String reason = null;
            Long decidedAt = null;
            switch (entry) {
                case RefundEntry.Attempting a -> {
                    nextCheckAt = a.nextCheckAt().toEpochMilli();
                    lastUnknown = a.lastUnknown();
                }
                case RefundEntry.Succeeded s -> {
                    refundId = s.providerRefundId();
                    decidedAt = s.succeededAt().toEpochMilli();
                }
                case RefundEntry.Failed f -> {
                    reasonCode = f.reasonCode();
                    reason = f.reason();
                    decidedAt = f.failedAt().toEpochMilli();
                }
                case RefundEntry.NeedsAttention n -> {
                    reason = n.reason();
                    decidedAt = n.escalatedAt().toEpochMilli();
                }
            }
            return new Stored(1, entry.status(),
                    r.eventId(), r.refundId(), r.paymentId(), r.merchantId(), r.amountMinor(), r.currency(), r.reason(),
                    r.requestedAt().toEpochMilli(),
                    o.topic(), o.partition(), o.offset(), o.timestamp(), r.traceparent(),
                    r.replayCount() > 0 ? r.replayCount() : null,
                    entry.idempotencyKey(), entry.chargeId(), entry.attempt(), entry.firstAttemptAt().toEpochMilli(),
                    nextCheckAt, lastUnknown, refundId, reasonCode, reason, decidedAt);
        }

        RefundEntry toEntry() {
            RefundRequest request = new RefundRequest(eventId, refundId, paymentId, merchantId, amountMinor, currency,
                    merchantReason, Instant.ofEpochMilli(requestedAt),
                    new Origin(originTopic, originPartition, originOffset, originTimestamp), traceparent,
                    replayCount == null ? 0 : replayCount);
            Instant first = Instant.ofEpochMilli(firstAttemptAt);
            return switch (status) {
                case PENDING -> new RefundEntry.Attempting(request, idempotencyKey, chargeId, attempt, first,
                        Instant.ofEpochMilli(nextCheckAt), lastUnknown);
                case SUCCEEDED -> new RefundEntry.Succeeded(request, idempotencyKey, chargeId, attempt, first,
                        providerRefundId, Instant.ofEpochMilli(decidedAt));
                case FAILED -> new RefundEntry.Failed(request, idempotencyKey, chargeId, attempt, first,
                        reasonCode, reason, Instant.ofEpochMilli(decidedAt));
                case NEEDS_ATTENTION -> new RefundEntry.NeedsAttention(request, idempotencyKey, chargeId, attempt, first,
                        reason, Instant.ofEpochMilli(decidedAt));
            };
        }
    }
}
