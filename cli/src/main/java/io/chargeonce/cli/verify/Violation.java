package io.chargeonce.cli.verify;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.Collectors;

/**
 * One broken {@link Invariant} and every payment that breaks it (sorted, distinct). Where no
 * payment id is known (a keyless record) the id is the record's coordinates or event id; a refund
 * invariant names {@code refund <refund id> of payment <payment id>}.
 */
public record Violation(Invariant invariant, List<String> paymentIds) {

    public Violation {
        paymentIds = paymentIds.stream().distinct().sorted().toList();
        if (paymentIds.isEmpty()) {
            throw new IllegalArgumentException("a violation names the payments involved; " + invariant + " named none");
        }
    }

    /** The violation of {@code invariant} by these ids, if there are any. */
    static Optional<Violation> of(Invariant invariant, Stream<String> ids) {
        List<String> named = ids.toList();
        return named.isEmpty() ? Optional.empty() : Optional.of(new Violation(invariant, named));
    }

    /** {@code INVARIANT (n): promise; ids: a, b, ...} with at most {@code maxIds} ids. */
    public String describe(int maxIds) {
        String ids = paymentIds.stream().limit(maxIds).collect(Collectors.joining(", "));
        String more = paymentIds.size() > maxIds ? ", ... " + (paymentIds.size() - maxIds) + " more" : "";
        return invariant + " (" + paymentIds.size() + "): " + invariant.promise() + System.lineSeparator()
                + "    " + (paymentIds.getFirst().startsWith("refund ") ? "refunds" : "payments") + ": " + ids + more;
    }
}
