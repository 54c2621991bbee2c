package io.chargeonce.processor.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.time.Instant;

/**
 * Ledger entries as JSON in the store and its changelog. JSON rather than Avro because the
 * changelog is private to this service (nobody else reads it, so no registry subject to manage)
 * and an operator can read it with a console consumer. Unknown fields are ignored so a newer
 * version's extra fields do not break a rollback; {@code v} marks the layout.
 */
public final class LedgerEntrySerde implements Serde<LedgerEntry> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Override
    public Serializer<LedgerEntry> serializer() {
        return (topic, entry) -> entry == null ? null : write(entry);
    }

    @Override
    public Deserializer<LedgerEntry> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(LedgerEntry entry) {
        try {
            return JSON.writeValueAsBytes(Stored.of(entry));
        } catch (IOException e) {
            throw new SerializationException("cannot write ledger entry of payment " + entry.paymentId(), e);
        }
    }

    static LedgerEntry read(byte[] bytes) {
        try {
            return JSON.readValue(bytes, Stored.class).toEntry();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a ledger entry (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    /**
     * The stored layout: one flat object, times as epoch milliseconds. {@code replayCount} was added
     * to layout 1 without a new {@code v}: it is written only when above 0 and read as 0 when
     * absent, so entries written before it still read, an entry that was never replayed is stored
     * byte for byte as before, and an older version rolled back to ignores it.
     */
    record Stored(int v, LedgerState state,
                  String eventId, String paymentId, String merchantId, String orderId, String customerId,
                  long amountMinor, String currency, long requestedAt,
                  String originTopic, int originPartition, long originOffset, long originTimestamp, String traceparent,
                  Integer replayCount,
                  String idempotencyKey, int attempt, long firstAttemptAt,
                  Long nextCheckAt, String lastUnknown,
                  String providerChargeId, String reasonCode, String reason, Long decidedAt) {

        static Stored of(LedgerEntry entry) {
            ChargeRequest r = entry.request();
            Origin o = r.origin();
            Long nextCheckAt = null;
            String lastUnknown = null;
            String chargeId = null;
            String reasonCode = null;
            String reason = null;
            Long decidedAt = null;
            switch (entry) {
                case LedgerEntry.Attempting a -> {
                    nextCheckAt = a.nextCheckAt().toEpochMilli();
                    lastUnknown = a.lastUnknown();
                }
                case LedgerEntry.Confirmed c -> {
                    chargeId = c.providerChargeId();
                    decidedAt = c.confirmedAt().toEpochMilli();
                }
                case LedgerEntry.Failed f -> {
                    reasonCode = f.reasonCode();
                    reason = f.reason();
                    decidedAt = f.failedAt().toEpochMilli();
                }
                case LedgerEntry.NeedsAttention n -> {
                    reason = n.reason();
                    decidedAt = n.escalatedAt().toEpochMilli();
                }
            }
            return new Stored(1, entry.state(),
                    r.eventId(), r.paymentId(), r.merchantId(), r.orderId(), r.customerId(),
                    r.amountMinor(), r.currency(), r.requestedAt().toEpochMilli(),
                    o.topic(), o.partition(), o.offset(), o.timestamp(), r.traceparent(),
                    r.replayCount() > 0 ? r.replayCount() : null,
                    entry.idempotencyKey(), entry.attempt(), entry.firstAttemptAt().toEpochMilli(),
                    nextCheckAt, lastUnknown, chargeId, reasonCode, reason, decidedAt);
        }

        LedgerEntry toEntry() {
            ChargeRequest request = new ChargeRequest(eventId, paymentId, merchantId, orderId, customerId,
                    amountMinor, currency, Instant.ofEpochMilli(requestedAt),
                    new Origin(originTopic, originPartition, originOffset, originTimestamp), traceparent,
                    replayCount == null ? 0 : replayCount);
            Instant first = Instant.ofEpochMilli(firstAttemptAt);
            return switch (state) {
                case ATTEMPTING -> new LedgerEntry.Attempting(request, idempotencyKey, attempt, first,
                        Instant.ofEpochMilli(nextCheckAt), lastUnknown);
                case CONFIRMED -> new LedgerEntry.Confirmed(request, idempotencyKey, attempt, first,
                        providerChargeId, Instant.ofEpochMilli(decidedAt));
                case FAILED -> new LedgerEntry.Failed(request, idempotencyKey, attempt, first,
                        reasonCode, reason, Instant.ofEpochMilli(decidedAt));
                case NEEDS_ATTENTION -> new LedgerEntry.NeedsAttention(request, idempotencyKey, attempt, first,
                        reason, Instant.ofEpochMilli(decidedAt));
            };
        }
    }
}
