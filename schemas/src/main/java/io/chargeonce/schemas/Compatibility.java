package io.chargeonce.schemas;

/**
 * The compatibility levels a Confluent-compatible registry enforces when a new schema version is
 * registered under a subject. "Backward" means readers on the new schema can read data written with
 * the previous one, which is what lets consumers upgrade before producers.
 */
public enum Compatibility {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
}
