package io.chargeonce.cli.storm;

import io.chargeonce.sandbox.ProviderStats;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the real systems say after a storm, about the payments the storm got accepted. A
 * {@code null} component was not measurable on this target (see {@link StormTarget}).
 *
 * @param resultsPerPayment         terminal result events (confirmed + failed, {@code read_committed}) per payment id
 * @param paymentsOnRequestTopic    payment ids with at least one record on the request topic
 * @param requestEventAt            per payment id, the timestamp of its first request record (the relay's
 *                                  send time, on this machine's clock when the relay runs here)
 * @param requestRecords            request-topic records of these payments, redeliveries included
 * @param distinctRequestEvents     distinct event ids among them
 * @param unsettledApiStatus        for accepted payments without a terminal result event, the status the API serves
 * @param provider                  the provider's counters (whole simulator, since it started or was reset)
 * @param succeededChargesPerPayment succeeded charges in the provider's ledger per payment id (these payments only)
 * @param processor                 the processor's own counters, when it runs in this JVM
 */
public record StormFacts(
        Map<String, Long> resultsPerPayment,
        Set<String> paymentsOnRequestTopic,
        Map<String, Instant> requestEventAt,
        long requestRecords,
        long distinctRequestEvents,
        Map<String, String> unsettledApiStatus,
        ProviderStats provider,
        Map<String, Long> succeededChargesPerPayment,
        Processor processor) {

    /**
     * The processor's counters (decisions on the stream thread; an aborted transaction can make them
     * run slightly ahead of the topics).
     *
     * @param inboxNew        request events seen for the first time
     * @param inboxDuplicates request events dropped by the inbox (event id seen before)
     * @param ledgerDuplicates second events for a payment the ledger already had
     * @param chargeCalls     charge calls to the provider
     * @param lookups         lookups by idempotency key after an unknown outcome
     */
    public record Processor(long inboxNew, long inboxDuplicates, long ledgerDuplicates, long chargeCalls, long lookups) {
    }
}
