package io.chargeonce.sandbox.provider;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated provider's memory of idempotency keys for one kind of request ({@code Q}), each
 * final answer carrying what was decided ({@code A}: a charge, a refund or a refusal).
 *
 * <p>A request claims its key with a single {@code putIfAbsent} of an in-flight marker, so of two
 * concurrent requests exactly one wins and the other sees "in flight" (409); there is no window
 * between checking and claiming. The winner either settles the slot (the stored answer is replayed
 * from then on) or releases it (a server error: nothing happened, a retry may go through).
 * Subclasses keep their ledger by overriding {@link #settle} and {@link #clear}.
 */
public class IdempotencyBook<Q, A> {

    /** What a key holds. */
    public sealed interface Slot<Q, A> permits InFlight, Settled {
        Q request();
    }

    /** A request owns the key and is deciding. Identity matters: only its owner may settle or release it. */
    public static final class InFlight<Q, A> implements Slot<Q, A> {
        private final Q request;

        InFlight(Q request) {
            this.request = request;
        }

        @Override
        public Q request() {
            return request;
        }
    }

    /** The final answer for a key, replayed byte for byte. */
    public record Settled<Q, A>(Q request, int status, byte[] body, A outcome) implements Slot<Q, A> {
    }

    /** Outcome of claiming a key. */
    public sealed interface Claim<Q, A> permits Won, Busy, Replay, Mismatch {
    }

    public record Won<Q, A>(InFlight<Q, A> slot) implements Claim<Q, A> {
    }

    public record Busy<Q, A>() implements Claim<Q, A> {
    }

    public record Replay<Q, A>(Settled<Q, A> answer) implements Claim<Q, A> {
    }

    public record Mismatch<Q, A>(Settled<Q, A> answer) implements Claim<Q, A> {
    }

    private final ConcurrentHashMap<String, Slot<Q, A>> slots = new ConcurrentHashMap<>();

    public Claim<Q, A> claim(String key, Q request) {
        InFlight<Q, A> mine = new InFlight<>(request);
        Slot<Q, A> existing = slots.putIfAbsent(key, mine);
        return switch (existing) {
            case null -> new Won<>(mine);
            case InFlight<Q, A> other -> new Busy<>();
            case Settled<Q, A> settled -> settled.request().equals(request) ? new Replay<>(settled) : new Mismatch<>(settled);
        };
    }

    /** Gives the key back after a failure that decided nothing. */
    public void release(String key, InFlight<Q, A> mine) {
        slots.remove(key, mine);
    }

    /**
     * Stores the final answer. Returns false if the key was cleared meanwhile by a reset, in which
     * case the answer is forgotten with everything else.
     */
    public boolean settle(String key, InFlight<Q, A> mine, Settled<Q, A> answer) {
        return slots.replace(key, mine, answer);
    }

    /** The final answer for a key, if it has one (a key in flight or never seen has none). */
    public Optional<Settled<Q, A>> settled(String key) {
        return slots.get(key) instanceof Settled<Q, A> settled ? Optional.of(settled) : Optional.empty();
    }

    public long inFlight() {
        return slots.values().stream().filter(InFlight.class::isInstance).count();
    }

    /** Forgets every key, including keys still in flight. */
    public void clear() {
        slots.clear();
    }
}
