package io.chargeonce.sandbox;

/**
 * Where the sandbox runs its Kafka broker.
 *
 * <ul>
 *   <li>{@link #IN_PROCESS}: inside the sandbox's JVM. Fastest to start and cheapest in memory; it
 *       can be stopped and started again, but not killed without killing the JVM with it.</li>
 *   <li>{@link #CHILD_PROCESS}: a JVM of its own ({@link KafkaNodeMain}) on the same classpath, with
 *       its log dir and ports kept across restarts, so a fault test can SIGKILL the broker alone and
 *       start it again on the same data, as a crashed broker would come back. It costs a JVM start
 *       (about a second more) and a few hundred MB.</li>
 * </ul>
 */
public enum KafkaMode {
    IN_PROCESS,
    CHILD_PROCESS
}
