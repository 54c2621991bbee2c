package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.sandbox.ProviderCharge;
import io.chargeonce.sandbox.ProviderRefund;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/refunds} and {@code GET /v1/refunds?idempotency_key=K}: a refund against a charge
 * succeeds (200 refund object) or is refused for good, stored under the key like a decline: 404
 * {@code resource_missing} (no such charge), 400 {@code charge_not_refundable} (the charge was declined),
 * {@code charge_already_refunded} (nothing left) or {@code amount_too_large} (more than is left).
 * Without an {@code amount} the whole unrefunded rest is refunded. Idempotency and faults
 * (the dice's {@code declineRate} does not apply to refunds): {@link IdempotentEndpoint}.
 */
public final class RefundEndpoint extends IdempotentEndpoint<RefundRequest, RefundBook.Outcome> {

    static final String PATH = "/v1/refunds";
    private static final Logger LOG = LoggerFactory.getLogger(RefundEndpoint.class);

    private final ChargeBook charges;
    private final RefundBook refunds;
    private final Clock clock;
    private final IdMint ids;

    /** {@code ids} generates refund ids; seeded, so a run's ids are reproducible. */
    public RefundEndpoint(ProviderState state, Clock clock, RandomGenerator ids) {
        super(PATH, "refund", state, state.refunds());
        this.charges = state.book();
        this.refunds = state.refunds();
        this.clock = clock;
        this.ids = new IdMint("re_", ids);
    }

    @Override
    RefundRequest parse(JsonNode body) {
        return RefundRequest.fromJson(body);
    }

    @Override
    IdempotencyBook.Settled<RefundRequest, RefundBook.Outcome> decide(String key, RefundRequest request,
            IdempotencyBook.InFlight<RefundRequest, RefundBook.Outcome> slot, FaultDice.Roll roll) {
        ProviderCharge charge = charges.charge(request.charge()).orElse(null);
        long charged = charge == null ? 0 : charge.amount();
        RefundBook.Decision decision = refunds.decide(key, slot, request.charge(), charged,
                unrefunded -> answer(key, request, charge, unrefunded));
        RefundBook.Outcome outcome = decision.answer().outcome();
        if (decision.stored()) {
            (outcome instanceof RefundBook.Refunded ? counters.refunds : counters.refundRefusals).incrementAndGet();
        }
        LOG.debug("refund {} of payment {} against charge {} key {}: {}", request.refundId(), request.paymentId(),
                request.charge(), key, switch (outcome) {
                    case RefundBook.Refunded refunded -> "refunded " + refunded.refund().id();
                    case RefundBook.Refused refused -> "refused (" + refused.code() + ")";
                });
        return decision.answer();
    }

    /** Runs under the refund lock: {@code unrefunded} cannot change until the answer is stored. */
    private IdempotencyBook.Settled<RefundRequest, RefundBook.Outcome> answer(String key, RefundRequest request,
            ProviderCharge charge, long unrefunded) {
        Instant now = clock.instant();
        if (charge == null) {
            return refused(request, 404, "resource_missing", "No such charge: '" + request.charge() + "'", null, now);
        }
        if (!charge.succeeded()) {
            return refused(request, 400, "charge_not_refundable",
                    "Charge " + charge.id() + " has failed and cannot be refunded.", charge.currency(), now);
        }
        if (unrefunded <= 0) {
            return refused(request, 400, "charge_already_refunded",
                    "Charge " + charge.id() + " has already been refunded.", charge.currency(), now);
        }
        long amount = request.amount() == null ? unrefunded : request.amount();
        if (amount > unrefunded) {
            return refused(request, 400, "amount_too_large", "Refund amount (" + amount
                    + ") is greater than unrefunded amount on charge (" + unrefunded + ").", charge.currency(), now);
        }
        ProviderRefund refund = new ProviderRefund(ids.next(), key, charge.id(), request.paymentId(), request.refundId(),
                amount, charge.currency(), ProviderRefund.SUCCEEDED, now);
        return new IdempotencyBook.Settled<>(request, 200, Exchanges.toJson(RefundJson.refundObject(refund, request)),
                new RefundBook.Refunded(refund));
    }

    private static IdempotencyBook.Settled<RefundRequest, RefundBook.Outcome> refused(RefundRequest request, int status,
            String code, String message, String currency, Instant now) {
        return new IdempotencyBook.Settled<>(request, status,
                Exchanges.toJson(Exchanges.error("invalid_request_error", code, message)),
                new RefundBook.Refused(code, message, currency, now));
    }

    @Override
    Map<String, Object> lookupObject(IdempotencyBook.Settled<RefundRequest, RefundBook.Outcome> settled) {
        return RefundJson.lookupObject(settled.outcome(), settled.request());
    }
}
