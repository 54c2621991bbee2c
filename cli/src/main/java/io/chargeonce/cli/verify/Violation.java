package io.chargeonce.cli.verify;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One broken {@link Invariant} and every payment that breaks it (sorted, distinct). Where no
 * payment id is known (a keyless record) the id is the record's coordinates or event id.
 */
public record Violation(Invariant invariant, List<String> paymentIds) {

    public Violation {
        paymentIds = paymentIds.stream().distinct().sorted().toList();
        if (paymentIds.isEmpty()) {
            throw new IllegalArgumentException("a violation names the payments involved; " + invariant + " named none");
        }
    }

    /** {@code INVARIANT (n): promise; ids: a, b, ...} with at most {@code maxIds} ids. */
    public String describe(int maxIds) {
        String ids = paymentIds.stream().limit(maxIds).collect(Collectors.joining(", "));
        String more = paymentIds.size() > maxIds ? ", ... " + (paymentIds.size() - maxIds) + " more" : "";
        return invariant + " (" + paymentIds.size() + "): " + invariant.promise() + System.lineSeparator()
                + "    payments: " + ids + more;
    }
}
