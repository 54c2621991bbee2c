package io.chargeonce.cli.demo;

import java.time.Duration;

/**
 * What one simulated customer saw: how many POSTs it sent, what came back, and when the final
 * status became visible through the API.
 */
public record Journey(
        String orderId,
        Behaviour behaviour,
        String paymentId,
        int posts,
        int replays,
        int conflicts,
        int inProgress,
        int unexpected,
        String finalStatus,
        Duration latency) {

    public boolean accepted() {
        return paymentId != null;
    }

    public boolean terminal() {
        return finalStatus != null && !"PENDING".equals(finalStatus);
    }
}
