package io.chargeonce.api.health;

/**
 * One dependency of a service, asked whether it can do its work right now. A check must answer
 * quickly (a probe that hangs makes the orchestrator kill a healthy process): bound every wait.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * @return null when the dependency is fine; otherwise the reason it is not, for people
     * @throws Exception counted as down, with the exception's message as the reason
     */
    String problem() throws Exception;
}
