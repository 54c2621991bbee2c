package io.chargeonce.sandbox;

import java.util.Map;
import java.util.stream.Collectors;

/** A sandbox could not start; the message names each component that failed and why. */
public final class SandboxStartException extends RuntimeException {

    private final Map<Component, Throwable> failures;

    SandboxStartException(Map<Component, Throwable> failures) {
        super(message(failures), failures.values().iterator().next());
        this.failures = Map.copyOf(failures);
        failures.values().stream().skip(1).forEach(this::addSuppressed);
    }

    /** The components that failed, with their causes. */
    public Map<Component, Throwable> failures() {
        return failures;
    }

    private static String message(Map<Component, Throwable> failures) {
        return "sandbox did not start: " + failures.entrySet().stream()
                .map(failure -> failure.getKey().label() + " failed: " + reason(failure.getValue()))
                .collect(Collectors.joining("; "));
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        // Wrappers (CompletionException, ExecutionException) carry no message of their own worth showing.
        while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().equals(cause.getCause().toString()))) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
