package io.chargeonce.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Who may talk to the sandbox broker. {@link #NONE} (the default) is a PLAINTEXT listener without
 * authentication or ACLs, what every test and {@code chargeonce up} use. {@link #saslPlain} is opt-in
 * for tests that must show a tool works with its own credentials on a broker that enforces them:
 * SASL/PLAIN on every listener (controller included), KRaft's {@code StandardAuthorizer},
 * {@code allow.everyone.if.no.acl.found=false}, so a user without an ACL is refused everything.
 *
 * <p>The super user is also the broker's own identity: it logs in on the controller and
 * inter-broker listeners, so those keep working without any ACL, and the sandbox's start-up probe
 * uses it. SASL_PLAINTEXT sends passwords in clear: a loopback test broker only, never a model
 * for production (use SASL_SSL there).
 *
 * @param users     SASL/PLAIN user to password; empty only for {@link #NONE}
 * @param superUser allowed everything ({@code super.users}); one of {@code users}
 */
public record KafkaSecurity(Map<String, String> users, String superUser) {

    /** No authentication, no authorisation: the default. */
    public static final KafkaSecurity NONE = new KafkaSecurity(Map.of(), null);

    /** The listener clients connect to when security is on; its name is also its protocol. */
    static final String SECURED_LISTENER = "SASL_PLAINTEXT";
    private static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    // Names and passwords go into a JAAS line between quotes; plain tokens need no escaping rules.
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]+");

    public KafkaSecurity {
        users = Map.copyOf(users == null ? Map.of() : users);
        if (!users.isEmpty()) {
            users.forEach((user, password) -> {
                if (!TOKEN.matcher(user).matches() || !TOKEN.matcher(password).matches()) {
                    throw new IllegalArgumentException("sandbox SASL users and passwords are letters, digits, '.', '_' "
                            + "and '-', got user '" + user + "'");
                }
            });
            if (superUser == null || !users.containsKey(superUser)) {
                throw new IllegalArgumentException("the super user '" + superUser + "' must be one of the users "
                        + users.keySet() + ": the broker logs in as it");
            }
        } else if (superUser != null) {
            throw new IllegalArgumentException("a super user needs SASL users");
        }
    }

    /** SASL/PLAIN with these users (name to password) and ACLs enforced; {@code superUser} bypasses them. */
    public static KafkaSecurity saslPlain(String superUser, Map<String, String> users) {
        return new KafkaSecurity(users, superUser);
    }

    public boolean enabled() {
        return !users.isEmpty();
    }

    /**
     * What a client logging in as {@code user} adds to its config; nothing when security is off (then
     * {@code user} is ignored, every client is anonymous).
     */
    public Properties clientProperties(String user) {
        Properties props = new Properties();
        if (!enabled()) {
            return props;
        }
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no sandbox SASL user '" + user + "'; users are " + users.keySet());
        }
        props.put("security.protocol", SECURED_LISTENER);
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", PLAIN_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    /**
     * Broker settings that replace the PLAINTEXT listeners: both listeners speak SASL/PLAIN, the
     * broker authenticates to its own controller as the super user, and ACLs are enforced.
     */
    Map<String, String> brokerProperties(String host, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", SECURED_LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", SECURED_LISTENER + "://" + host + ":" + port);
        p.put("inter.broker.listener.name", SECURED_LISTENER);
        p.put("listener.security.protocol.map", SECURED_LISTENER + ":SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        // without it the broker's controller channel does not know which mechanism to use (KAFKA-14369)
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        String jaas = serverJaas();
        p.put("listener.name." + SECURED_LISTENER.toLowerCase() + ".plain.sasl.jaas.config", jaas);
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config", jaas);
        p.put("authorizer.class.name", AUTHORIZER);
        p.put("super.users", "User:" + superUser);
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /** The server side's user list; username/password are what the broker itself logs in with. */
    private String serverJaas() {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN).append(" required username=\"").append(superUser)
                .append("\" password=\"").append(users.get(superUser)).append('"');
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }

    @Override
    public String toString() {
        return enabled() ? "SASL/PLAIN users " + users.keySet() + ", super user " + superUser + ", ACLs enforced"
                : "no authentication";
    }
}
