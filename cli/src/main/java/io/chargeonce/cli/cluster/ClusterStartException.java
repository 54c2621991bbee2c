package io.chargeonce.cli.cluster;

/** A cluster process did not come up; the message carries the tail of its logs. */
public final class ClusterStartException extends RuntimeException {

    public ClusterStartException(String message) {
        super(message);
    }

    public ClusterStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
