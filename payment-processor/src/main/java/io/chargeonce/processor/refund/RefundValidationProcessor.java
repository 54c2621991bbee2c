package io.chargeonce.processor.refund;

import io.chargeonce.events.FailureClass;
import io.chargeonce.events.RefundRequested;
import io.chargeonce.events.RefundStatus;
import io.chargeonce.events.RefundStatusChanged;
import io.chargeonce.processor.PaymentTopology;
import io.chargeonce.processor.deadletter.Rejection;
import io.chargeonce.processor.ledger.PaymentEvents;
import io.chargeonce.processor.request.IncomingRequest;
import io.chargeonce.processor.request.InvalidPaymentRequestException;
import io.chargeonce.processor.request.RequestDecoder;
import io.chargeonce.processor.request.RequestValidator;
import io.chargeonce.processor.request.ValidationProcessor;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Splits refund requests into ones the refund ledger may decide (valid) and poison (dead letters,
 * same classes, envelope and inbox-claim release as payment requests). When both the refund id and
 * the payment id are known and the refund ledger does not have the refund, a NEEDS_ATTENTION refund
 * status says so, so payment-api does not show the refund PENDING forever; a refund the ledger
 * already has keeps its status.
 */
public final class RefundValidationProcessor implements Processor<byte[], IncomingRequest<RefundRequested>, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(RefundValidationProcessor.class);

    private final Clock clock;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, RefundEntry> refunds;

    public RefundValidationProcessor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.refunds = context.getStateStore(RefundLedger.LEDGER_STORE);
    }

    @Override
    public void process(Record<byte[], IncomingRequest<RefundRequested>> record) {
        IncomingRequest<RefundRequested> request = record.value();
        String keyPaymentId = ValidationProcessor.keyAsPaymentId(request.key()).orElse(null);
        if (!request.decoded()) {
            RuntimeException error = request.decodeError();
            reject(record, new Rejection(FailureClass.UNDESERIALIZABLE, error, ValidationProcessor.decodeReason(error),
                    request.origin(), request.key(), request.value(), request.headers(), keyPaymentId, request.eventId()),
                    null, null);
            return;
        }
        RefundRequested event = request.event();
        Optional<InvalidPaymentRequestException> violation = violation(request.key(), event);
        if (violation.isPresent()) {
            String paymentId = RequestValidator.blank(event.getPaymentId()) ? keyPaymentId : event.getPaymentId();
            reject(record, new Rejection(FailureClass.INVALID_REQUEST, violation.get(), violation.get().code(),
                    request.origin(), request.key(), request.value(), request.headers(), paymentId, request.eventId()),
                    usableRefundId(event.getRefundId()), event.getMerchantId());
            return;
        }
        RefundRequest refund = RefundRequest.of(event, request.origin(),
                RequestDecoder.header(request.headers(), EventHeaders.TRACEPARENT), RequestDecoder.replayCount(request.headers()));
        context.forward(new Record<>(refund.paymentId(), refund, record.timestamp(), record.headers()),
                PaymentTopology.REFUND_LEDGER);
    }

    /** The first broken rule, or empty if the refund ledger may decide the request. */
    static Optional<InvalidPaymentRequestException> violation(byte[] key, RefundRequested event) {
        String refundId = event.getRefundId();
        String paymentId = event.getPaymentId();
        if (RequestValidator.blank(event.getEventId())) {
            return invalid("missing_event_id", "the request for refund " + refundId + " has no event id");
        }
        if (RequestValidator.blank(refundId)) {
            return invalid("missing_refund_id", "event " + event.getEventId() + " has no refund id");
        }
        if (usableRefundId(refundId) == null) {
            return invalid("malformed_refund_id", "event " + event.getEventId() + " has a refund id with a ',' or a control character");
        }
        if (RequestValidator.blank(paymentId)) {
            return invalid("missing_payment_id", "refund " + refundId + " has no payment id");
        }
        if (RequestValidator.blank(event.getMerchantId())) {
            return invalid("missing_merchant_id", "refund " + refundId + " has no merchant id");
        }
        if (key == null || !paymentId.equals(new String(key, StandardCharsets.UTF_8))) {
            // Co-partitioning puts a refund in the task holding its payment's ledger entry only if the key is the payment id.
            return invalid("key_mismatch", "refund " + refundId + " of payment " + paymentId + " arrived under a different record key");
        }
        if (event.getAmountMinor() <= 0) {
            return invalid("amount_not_positive", "refund " + refundId + " has amount " + event.getAmountMinor() + ", must be > 0");
        }
        if (!RequestValidator.knownCurrency(event.getCurrency())) {
            return invalid("unknown_currency", "refund " + refundId + " has currency '" + event.getCurrency()
                    + "', not an upper-case ISO 4217 code");
        }
        return Optional.empty();
    }

    private void reject(Record<byte[], IncomingRequest<RefundRequested>> record, Rejection rejection, String refundId,
                        String merchantId) {
        context.forward(new Record<>(rejection.key(), rejection, record.timestamp(), record.headers()),
                PaymentTopology.DEAD_LETTERS);
        String paymentId = rejection.paymentId();
        if (refundId == null || paymentId == null) {
            log.warn("dead-lettered refund request at offset {} names no refund or no payment; no refund status published",
                    rejection.origin().offset());
            return;
        }
        RefundEntry known = refunds.get(refundId);
        if (known != null) {
            log.warn("dead-lettered a request for refund {}, which the refund ledger has as {}; its status stands",
                    refundId, known.status());
            return;
        }
        Instant now = clock.instant();
        RefundStatusChanged status = RefundEvents.status(refundId, paymentId, merchantId == null ? "" : merchantId,
                RefundStatus.NEEDS_ATTENTION,
                (rejection.eventId() == null ? "its request" : "request event " + rejection.eventId())
                        + " was dead-lettered as " + rejection.failureClass() + " (" + rejection.reasonCode() + "): "
                        + rejection.error().getMessage() + "; nothing was refunded",
                null, null, 0, now);
        context.forward(new Record<>(paymentId, status, now.toEpochMilli(),
                PaymentEvents.headers(RequestDecoder.header(record.headers(), EventHeaders.TRACEPARENT))),
                PaymentTopology.REFUND_STATUS_SINK);
    }

    /** A refund id that can name a refund in the ledger's stores, or null. */
    private static String usableRefundId(String refundId) {
        if (RequestValidator.blank(refundId) || refundId.contains(",") || refundId.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return refundId;
    }

    private static Optional<InvalidPaymentRequestException> invalid(String code, String message) {
        return Optional.of(new InvalidPaymentRequestException(code, message));
    }
}
