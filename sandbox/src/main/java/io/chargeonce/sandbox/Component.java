package io.chargeonce.sandbox;

/** The pieces of infrastructure a sandbox can run; a {@link SandboxConfig} selects any subset. */
public enum Component {
    POSTGRES("postgres"),
    KAFKA("kafka"),
    REGISTRY("registry"),
    PROVIDER("provider");

    private final String label;

    Component(String label) {
        this.label = label;
    }

    /** Lower-case name used in logs, errors and directory names. */
    public String label() {
        return label;
    }
}
