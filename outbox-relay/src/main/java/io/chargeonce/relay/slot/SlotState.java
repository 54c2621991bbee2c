package io.chargeonce.relay.slot;

/**
 * A replication slot as Postgres reports it.
 *
 * @param name              slot name
 * @param active            whether a relay is connected to it right now
 * @param restartLsn        oldest WAL position the slot still needs (Postgres keeps WAL from here)
 * @param confirmedFlushLsn last position the relay confirmed; a restart resumes after it
 * @param retainedWalBytes  WAL bytes kept for this slot, from {@code restartLsn} to the current
 *                          write position: what a stopped or slow relay costs the database's disk
 */
public record SlotState(String name, boolean active, String restartLsn, String confirmedFlushLsn,
                        long retainedWalBytes) {
}
