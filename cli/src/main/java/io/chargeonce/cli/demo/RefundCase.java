package io.chargeonce.cli.demo;

import java.util.List;

/**
 * What one merchant saw while refunding one payment through the API.
 *
 * @param refundIds           refunds the API accepted (202), in the order they were asked for
 * @param posts               {@code POST /payments/{id}/refunds} calls sent
 * @param replays             answers marked {@code Idempotent-Replayed: true} that matched the first byte for byte
 * @param refusedNotConfirmed 409 {@code payment_not_refundable}
 * @param refusedOverAmount   422 {@code refund_exceeds_payment}
 * @param surprises           answers this behaviour must never get, described (status and error code, no payload)
 */
public record RefundCase(
        String paymentId,
        RefundBehaviour behaviour,
        List<String> refundIds,
        int posts,
        int replays,
        int refusedNotConfirmed,
        int refusedOverAmount,
        List<String> surprises) {

    public RefundCase {
        refundIds = List.copyOf(refundIds);
        surprises = List.copyOf(surprises);
    }
}
