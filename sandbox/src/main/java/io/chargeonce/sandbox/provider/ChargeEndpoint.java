package io.chargeonce.sandbox.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeonce.sandbox.ProviderCharge;
import java.time.Clock;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/charges} and {@code GET /v1/charges?idempotency_key=K}: a charge succeeds (200) or
 * is declined (402 {@code card_error}, for {@code cus_decline*} customers or by the dice's
 * {@code declineRate}); either is the key's final answer. Idempotency and faults: {@link IdempotentEndpoint}.
 */
public final class ChargeEndpoint extends IdempotentEndpoint<ChargeRequest, ChargeBook.Charged> {

    /** Customers whose id starts with this are always declined. */
    public static final String DECLINED_CUSTOMER_PREFIX = "cus_decline";
    static final String PATH = "/v1/charges";
    private static final Logger LOG = LoggerFactory.getLogger(ChargeEndpoint.class);

    private final ChargeBook book;
    private final Clock clock;
    private final IdMint ids;

    /** {@code ids} generates charge ids; seeded, so a run's ids are reproducible. */
    public ChargeEndpoint(ProviderState state, Clock clock, RandomGenerator ids) {
        super(PATH, "charge", state, state.book());
        this.book = state.book();
        this.clock = clock;
        this.ids = new IdMint("ch_", ids);
    }

    @Override
    ChargeRequest parse(JsonNode body) {
        return ChargeRequest.fromJson(body);
    }

    @Override
    IdempotencyBook.Settled<ChargeRequest, ChargeBook.Charged> decide(String key, ChargeRequest request,
            IdempotencyBook.InFlight<ChargeRequest, ChargeBook.Charged> slot, FaultDice.Roll roll) {
        String declineCode = declineCode(request, roll);
        boolean declined = declineCode != null;
        ProviderCharge charge = new ProviderCharge(ids.next(), key, request.paymentId(), request.amount(),
                request.currency(), request.customer(), declined ? ProviderCharge.FAILED : ProviderCharge.SUCCEEDED,
                clock.instant());
        Object body = declined ? ChargeJson.declineError(charge, declineCode)
                : ChargeJson.chargeObject(charge, request, null);
        var answer = new IdempotencyBook.Settled<>(request, declined ? 402 : 200, Exchanges.toJson(body),
                new ChargeBook.Charged(charge, declineCode));
        if (book.settle(key, slot, answer)) {
            counters.charges.incrementAndGet();
            if (declined) {
                counters.declines.incrementAndGet();
            }
        }
        LOG.debug("charge {} for payment {} key {}: {}", charge.id(), charge.paymentId(), key,
                declined ? "declined (" + declineCode + ")" : "succeeded");
        return answer;
    }

    @Override
    Map<String, Object> lookupObject(IdempotencyBook.Settled<ChargeRequest, ChargeBook.Charged> settled) {
        return ChargeJson.chargeObject(settled.outcome().charge(), settled.request(), settled.outcome().declineCode());
    }

    /** Null if the charge goes through; {@code cus_decline_insufficient_funds} declines with that code. */
    private static String declineCode(ChargeRequest request, FaultDice.Roll roll) {
        String customer = request.customer();
        if (customer.startsWith(DECLINED_CUSTOMER_PREFIX)) {
            String rest = customer.substring(DECLINED_CUSTOMER_PREFIX.length());
            return rest.startsWith("_") && rest.length() > 1 ? rest.substring(1) : "generic_decline";
        }
        return roll.decline() ? "generic_decline" : null;
    }
}
