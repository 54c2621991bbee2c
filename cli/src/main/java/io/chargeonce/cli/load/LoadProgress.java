package io.chargeonce.cli.load;

/**
 * Live counters of a {@link LoadRun}, a consistent-enough snapshot for progress lines (each counter
 * is read atomically, not all of them together).
 *
 * @param started          payments begun
 * @param finished         payments whose app stopped sending (accepted or gave up)
 * @param accepted         payments with at least one 202
 * @param gaveUp           payments not accepted before their deadline
 * @param posts            POSTs sent
 * @param replays          202 answers with {@code Idempotent-Replayed: true}
 * @param conflicts        409 answers
 * @param serverErrors     5xx answers
 * @param transportErrors  POSTs without an answer (refused, reset, timed out)
 * @param statusPolls      status GETs sent
 * @param finalVisible     followed payments whose terminal status became visible
 */
public record LoadProgress(
        long started,
        long finished,
        long accepted,
        long gaveUp,
        long posts,
        long replays,
        long conflicts,
        long serverErrors,
        long transportErrors,
        long statusPolls,
        long finalVisible) {

    public long inFlight() {
        return started - finished;
    }
}
