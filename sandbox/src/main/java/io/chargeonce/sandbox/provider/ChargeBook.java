package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderCharge;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The charge keys and the ledger of charges made (declined ones included: a decline is a final
 * answer too), indexed by charge id so refunds can find the charge they are against. A charge is
 * indexed before its answer is sent, so a client that saw the charge can refund it at once.
 */
public final class ChargeBook extends IdempotencyBook<ChargeRequest, ChargeBook.Charged> {

    /** What a charge key decided; {@code declineCode} is null for a success. */
    public record Charged(ProviderCharge charge, String declineCode) {
    }

    private final ConcurrentLinkedQueue<ProviderCharge> ledger = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, ProviderCharge> byId = new ConcurrentHashMap<>();

    /** Stores the answer and records the charge, unless a reset cleared the key meanwhile. */
    @Override
    public boolean settle(String key, InFlight<ChargeRequest, Charged> mine, Settled<ChargeRequest, Charged> answer) {
        if (super.settle(key, mine, answer)) {
            ProviderCharge charge = answer.outcome().charge();
            byId.put(charge.id(), charge);
            ledger.add(charge);
            return true;
        }
        return false;
    }

    /** A charge made since the last reset, by its {@code ch_...} id. */
    public Optional<ProviderCharge> charge(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Charges in the order they were made. */
    public List<ProviderCharge> ledger() {
        return List.copyOf(ledger);
    }

    /** Forgets every key and charge, including keys still in flight. */
    @Override
    public void clear() {
        super.clear();
        ledger.clear();
        byId.clear();
    }
}
