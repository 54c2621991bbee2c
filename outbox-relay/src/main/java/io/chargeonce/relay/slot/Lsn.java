package io.chargeonce.relay.slot;

/** Postgres log sequence numbers in the {@code 16/B374D848} form operators know from psql. */
public final class Lsn {

    private Lsn() {
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
    }
}
