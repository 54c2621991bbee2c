package io.chargeonce.cli.verify;

import io.chargeonce.events.PaymentStatus;
import io.chargeonce.events.RefundStatus;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The legal life of a payment, written down here independently of payment-api's own state machine,
 * so a bug there cannot hide itself from the verifier. A payment starts PENDING; PENDING may repeat
 * (a retried attempt) and move anywhere; NEEDS_ATTENTION may be refreshed, settled once someone
 * resolves it, or go back to PENDING when an operator's replay re-drives it; CONFIRMED and FAILED
 * are final, not even repeated. A refund lives the same life: PENDING, then SUCCEEDED or FAILED
 * (final), or NEEDS_ATTENTION, which an operator's replay may still settle or re-drive.
 */
final class StatusOrder {

    private StatusOrder() {
    }

    static boolean legal(PaymentStatus from, PaymentStatus to) {
        return successors(from).contains(to);
    }

    static boolean legal(RefundStatus from, RefundStatus to) {
        return switch (from) {
            case PENDING, NEEDS_ATTENTION -> true;
            case SUCCEEDED, FAILED -> false;
        };
    }

    /** Whether {@code statuses}, in order, are legal moves from the state every payment and refund is born in. */
    static <S> boolean legalOrder(S born, List<S> statuses, BiPredicate<S, S> legal) {
        S state = born;
        for (S status : statuses) {
            if (!legal.test(state, status)) {
                return false;
            }
            state = status;
        }
        return true;
    }

    private static Set<PaymentStatus> successors(PaymentStatus from) {
        return switch (from) {
            case PENDING -> EnumSet.allOf(PaymentStatus.class);
            case NEEDS_ATTENTION -> EnumSet.allOf(PaymentStatus.class);
            case CONFIRMED, FAILED -> EnumSet.noneOf(PaymentStatus.class);
        };
    }
}
