package io.chargeonce.schemas;

import java.net.URI;

/**
 * The schema registry refused a request or could not be reached. Carries the URL, the subject (when
 * the request had one) and the HTTP status ({@link #NO_RESPONSE} when no response arrived), so the
 * message alone tells an operator where to look.
 *
 * <p>{@link #isTransient()} separates "try again later" (unreachable, timeout, 5xx, 429) from "this
 * will never work" (incompatible schema, unknown id, bad request). A Kafka Streams deserialization
 * handler must not dead-letter a record because the registry was briefly down: use
 * {@link #isTransient(Throwable)} on whatever the serde threw.
 */
public class SchemaRegistryException extends RuntimeException {

    /** {@link #status()} when the registry never answered. */
    public static final int NO_RESPONSE = -1;

    private final URI url;
    private final String subject;
    private final int status;

    public SchemaRegistryException(String message, URI url, String subject, int status, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.subject = subject;
        this.status = status;
    }

    public URI url() {
        return url;
    }

    /** The subject the request was about, or null (e.g. a lookup by id). */
    public String subject() {
        return subject;
    }

    /** HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** True when the same request may succeed later without anyone changing anything. */
    public boolean isTransient() {
        return status == NO_RESPONSE || status == 408 || status == 429 || status >= 500;
    }

    /** True if {@code failure} or one of its causes is a transient registry failure. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return registry.isTransient();
            }
        }
        return false;
    }
}
