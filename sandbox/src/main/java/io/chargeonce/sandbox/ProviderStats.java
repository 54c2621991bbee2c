package io.chargeonce.sandbox;

/**
 * Counters of the simulated provider since start or the last reset.
 *
 * @param requests          every {@code POST /v1/charges} and {@code POST /v1/refunds}, whatever its answer
 * @param charges           charges made (succeeded or declined); equals the ledger's size
 * @param declines          charges declined
 * @param replays           answers replayed for a known key and the same parameters (charge or refund)
 * @param conflicts         409s: the key was still in flight
 * @param idempotencyErrors 400s: the key was reused with different parameters
 * @param serverErrors      injected 500/503s (nothing charged or refunded)
 * @param droppedResponses  charges, refunds or refund refusals decided whose answer was dropped
 * @param inFlight          requests holding their key right now
 * @param refunds           refunds made; equals the refund ledger's size
 * @param refundRefusals    refunds refused for good and stored under their key ({@code resource_missing},
 *                          {@code charge_not_refundable}, {@code amount_too_large}, {@code charge_already_refunded});
 *                          an account-level refusal stores nothing and is not counted
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
        long inFlight,
        long refunds,
        long refundRefusals) {
}
