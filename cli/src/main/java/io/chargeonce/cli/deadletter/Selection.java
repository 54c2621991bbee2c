package io.chargeonce.cli.deadletter;

import io.chargeonce.events.FailureClass;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which dead letters a command acts on. Every criterion given must match; none given matches all.
 * Times are when the record was dead-lettered (the dead-letter record's timestamp).
 *
 * @param classes empty = every class
 */
public record Selection(Set<FailureClass> classes, String fingerprint, String paymentId, Instant since, Instant until) {

    public Selection {
        classes = classes == null ? Set.of() : Set.copyOf(classes);
    }

    public static Selection all() {
        return new Selection(Set.of(), null, null, null, null);
    }

    public boolean matches(DeadLetterRecord record) {
        if (!classes.isEmpty() && (record.failureClass() == null || !classes.contains(record.failureClass()))) {
            return false;
        }
        if (fingerprint != null && !fingerprint.equals(record.fingerprint())) {
            return false;
        }
        if (paymentId != null && !paymentId.equals(record.paymentId())) {
            return false;
        }
        if (since != null && record.timestamp().isBefore(since)) {
            return false;
        }
        return until == null || record.timestamp().isBefore(until);
    }

    /** For the audit record and the console: exactly what was asked. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("class=" + (classes.isEmpty() ? "all" : classes.stream().map(Enum::name).sorted().toList()));
        if (fingerprint != null) {
            parts.add("fingerprint=" + fingerprint);
        }
        if (paymentId != null) {
            parts.add("payment-id=" + paymentId);
        }
        if (since != null) {
            parts.add("since=" + since);
        }
        if (until != null) {
            parts.add("until=" + until);
        }
        return String.join(" ", parts);
    }
}
