package io.chargeonce.sandbox.provider;

import io.chargeonce.sandbox.ProviderCharge;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The simulated provider's memory: one slot per idempotency key, and the ledger of charges made.
 *
 * <p>A request claims its key with a single {@code putIfAbsent} of an in-flight marker, so of two
 * concurrent requests exactly one wins and the other sees "in flight" (409); there is no window
 * between checking and claiming. The winner either settles the slot (the stored answer is replayed
 * from then on) or releases it (a server error: nothing happened, a retry may go through).
 */
public final class ChargeBook {

    /** What a key holds. */
    public sealed interface Slot permits InFlight, Settled {
        ChargeRequest request();
    }

    /** A request owns the key and is deciding. Identity matters: only its owner may settle or release it. */
    public static final class InFlight implements Slot {
        private final ChargeRequest request;

        InFlight(ChargeRequest request) {
            this.request = request;
        }

        @Override
        public ChargeRequest request() {
            return request;
        }
    }

    /** The final answer for a key, replayed byte for byte; {@code declineCode} is null for a success. */
    public record Settled(ChargeRequest request, int status, byte[] body, ProviderCharge charge, String declineCode)
            implements Slot {
    }

    /** Outcome of claiming a key. */
    public sealed interface Claim permits Won, Busy, Replay, Mismatch {
    }

    public record Won(InFlight slot) implements Claim {
    }

    public record Busy() implements Claim {
    }

    public record Replay(Settled answer) implements Claim {
    }

    public record Mismatch(Settled answer) implements Claim {
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ProviderCharge> ledger = new ConcurrentLinkedQueue<>();

    public Claim claim(String key, ChargeRequest request) {
        InFlight mine = new InFlight(request);
        Slot existing = slots.putIfAbsent(key, mine);
        return switch (existing) {
            case null -> new Won(mine);
            case InFlight other -> new Busy();
            case Settled settled -> settled.request().equals(request) ? new Replay(settled) : new Mismatch(settled);
        };
    }

    /** Gives the key back after a failure that charged nothing. */
    public void release(String key, InFlight mine) {
        slots.remove(key, mine);
    }

    /**
     * Stores the final answer and records the charge. Returns false if the key was cleared meanwhile
     * by a reset, in which case the charge is forgotten with everything else.
     */
    public boolean settle(String key, InFlight mine, Settled answer) {
        if (slots.replace(key, mine, answer)) {
            ledger.add(answer.charge());
            return true;
        }
        return false;
    }

    /** The final answer for a key, if it has one (a key in flight or never seen has none). */
    public Optional<Settled> settled(String key) {
        return slots.get(key) instanceof Settled settled ? Optional.of(settled) : Optional.empty();
    }

    /** Charges in the order they were made. */
    public List<ProviderCharge> ledger() {
        return List.copyOf(ledger);
    }

    public long inFlight() {
        return slots.values().stream().filter(InFlight.class::isInstance).count();
    }

    /** Forgets every key and charge, including keys still in flight. */
    public void clear() {
        slots.clear();
        ledger.clear();
    }
}
