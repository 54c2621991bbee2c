package io.chargeonce.processor.request;

import io.chargeonce.events.FailureClass;
import io.chargeonce.events.PaymentRequested;
import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.PaymentStatusChanged;
import io.chargeonce.processor.PaymentTopology;
import io.chargeonce.processor.deadletter.Rejection;
import io.chargeonce.processor.ledger.ChargeRequest;
import io.chargeonce.processor.ledger.LedgerEntry;
import io.chargeonce.processor.ledger.PaymentEvents;
import io.chargeonce.processor.ledger.PaymentLedger;
import io.chargeonce.schemas.EventHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Splits requests into chargeable ones (to the ledger) and poison (to the dead letters). The
 * pipeline never stops on bad input: an undecodable or invalid record is dead-lettered in the
 * same transaction as its offset, and the next record is processed.
 *
 * <p>When the payment is identifiable (payload payment id, or the record key, which is the payment
 * id by contract) and the ledger does not know it, a NEEDS_ATTENTION status is published too, so
 * payment-api does not show it as PENDING forever. A payment the ledger already has keeps its
 * status: a corrupt duplicate must not overwrite a confirmed payment's truth.
 */
public final class ValidationProcessor implements Processor<byte[], IncomingRequest<PaymentRequested>, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(ValidationProcessor.class);

    private final Clock clock;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, LedgerEntry> ledger;

    public ValidationProcessor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.ledger = context.getStateStore(PaymentLedger.LEDGER_STORE);
    }

    @Override
    public void process(Record<byte[], IncomingRequest<PaymentRequested>> record) {
        IncomingRequest<PaymentRequested> request = record.value();
        if (!request.decoded()) {
            RuntimeException error = request.decodeError();
            reject(record, new Rejection(FailureClass.UNDESERIALIZABLE, error, decodeReason(error), request.origin(),
                    request.key(), request.value(), request.headers(), keyAsPaymentId(request.key()).orElse(null),
                    request.eventId()), "");
            return;
        }
        Optional<InvalidPaymentRequestException> violation = RequestValidator.violation(request.key(), request.event());
        if (violation.isPresent()) {
            String paymentId = blankToNull(request.event().getPaymentId());
            reject(record, new Rejection(FailureClass.INVALID_REQUEST, violation.get(), violation.get().code(),
                    request.origin(), request.key(), request.value(), request.headers(),
                    paymentId != null ? paymentId : keyAsPaymentId(request.key()).orElse(null), request.eventId()),
                    request.event().getMerchantId());
            return;
        }
        ChargeRequest charge = ChargeRequest.of(request.event(), request.origin(),
                RequestDecoder.header(request.headers(), EventHeaders.TRACEPARENT), RequestDecoder.replayCount(request.headers()));
        context.forward(new Record<>(charge.paymentId(), charge, record.timestamp(), record.headers()),
                PaymentTopology.LEDGER);
    }

    private void reject(Record<byte[], IncomingRequest<PaymentRequested>> record, Rejection rejection, String merchantId) {
        context.forward(new Record<>(rejection.key(), rejection, record.timestamp(), record.headers()),
                PaymentTopology.DEAD_LETTERS);
        String paymentId = rejection.paymentId();
        if (paymentId == null) {
            log.warn("dead-lettered request at offset {} names no payment; no status published", rejection.origin().offset());
            return;
        }
        LedgerEntry known = ledger.get(paymentId);
        if (known != null) {
            log.warn("dead-lettered a request for payment {}, which the ledger has as {}; its status stands",
                    paymentId, known.state());
            return;
        }
        Instant now = clock.instant();
        PaymentStatusChanged status = PaymentEvents.status(paymentId, merchantId == null ? "" : merchantId,
                PaymentStatus.NEEDS_ATTENTION,
                (rejection.eventId() == null ? "its request" : "request event " + rejection.eventId())
                        + " was dead-lettered as " + rejection.failureClass() + " ("
                        + rejection.reasonCode() + "): " + rejection.error().getMessage() + "; nothing was charged",
                null, 0, now);
        context.forward(new Record<>(paymentId, status, now.toEpochMilli(),
                PaymentEvents.headers(RequestDecoder.header(record.headers(), EventHeaders.TRACEPARENT))),
                PaymentTopology.STATUS_SINK);
    }

    /** The key is the payment id by contract (refund requests too); usable only if it is valid, non-blank UTF-8. */
    public static Optional<String> keyAsPaymentId(byte[] key) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
            return text.isBlank() || text.chars().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(text);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The reason code of a decode failure: the error's class and its root cause's, stable across ids. */
    public static String decodeReason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return error.getClass().getSimpleName() + "/" + root.getClass().getSimpleName();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
