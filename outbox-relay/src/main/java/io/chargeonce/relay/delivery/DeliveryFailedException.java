package io.chargeonce.relay.delivery;

/**
 * Kafka did not acknowledge a batch (or the batch could not be sent). None of the batch was
 * marked processed, so its offsets stay behind and a restarted relay sends it again.
 */
public final class DeliveryFailedException extends RuntimeException {

    DeliveryFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
