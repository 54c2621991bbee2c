package io.chargeonce.sandbox;

/**
 * Counters of the simulated provider since start or the last reset.
 *
 * @param requests          every {@code POST /v1/charges}, whatever its answer
 * @param charges           charges made (succeeded or declined); equals the ledger's size
 * @param declines          charges declined
 * @param replays           answers replayed for a known key and the same parameters
 * @param conflicts         409s: the key was still in flight
 * @param idempotencyErrors 400s: the key was reused with different parameters
 * @param serverErrors      injected 500/503s (nothing charged)
 * @param droppedResponses  charges made whose answer was dropped
 * @param inFlight          requests holding their key right now
 */
public record ProviderStats(
        long requests,
        long charges,
        long declines,
        long replays,
        long conflicts,
        long idempotencyErrors,
        long serverErrors,
        long droppedResponses,
        long inFlight) {
}
