package io.chargeonce.cli.deadletter;

import io.chargeonce.cli.verify.HistorySources;
import io.chargeonce.schemas.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the dead letters are and who is acting on them. The replay tool uses its own Kafka client
 * settings ({@code clientProperties}, e.g. {@code security.protocol}, {@code sasl.*}), never the
 * services', so a broker with ACLs can allow this principal to read the dead-letter topics and
 * write only the request, parking and audit topics, and nothing else.
 *
 * @param principal who is acting: written into every audit record; with SASL it should be the
 *                  authenticated user the client properties log in as
 */
public record DltSettings(String bootstrapServers, String registryUrl, Topics topics, Properties clientProperties,
                          String principal) {

    // `chargeonce up`'s addresses, from the one place that derives them from the sandbox's ports
    public static final String DEFAULT_BOOTSTRAP_SERVERS = HistorySources.DEFAULT_BOOTSTRAP_SERVERS;
    public static final String DEFAULT_REGISTRY_URL = HistorySources.DEFAULT_REGISTRY_URL;
    public static final String DEFAULT_TOPIC_PREFIX = HistorySources.DEFAULT_TOPIC_PREFIX;
    private static final Pattern JAAS_USERNAME = Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");

    public DltSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(topics, "topics");
        clientProperties = copy(clientProperties == null ? new Properties() : clientProperties);
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("a replay needs a principal to record in its audit");
        }
    }

    /**
     * The principal the audit records: the one asked for, else the user the client properties log in
     * as (SASL {@code username=} in {@code sasl.jaas.config}), else the OS user. An asked-for principal
     * that differs from the login is refused: the audit must name who the broker let in, not a label.
     */
    public static String principal(String asked, Properties clientProperties) {
        String login = loginUser(clientProperties);
        if (asked == null || asked.isBlank()) {
            return login != null ? login : osUser();
        }
        if (login != null && !login.equals(asked)) {
            throw new IllegalArgumentException("--principal '" + asked + "' differs from the user '" + login
                    + "' that --client-config logs in as; the audit must name who actually logged in: "
                    + "leave --principal out or make the two match");
        }
        return asked;
    }

    /** The SASL user name in {@code sasl.jaas.config} (PLAIN, SCRAM), or null when there is none. */
    static String loginUser(Properties clientProperties) {
        String jaas = clientProperties == null ? null : clientProperties.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            return null;
        }
        Matcher user = JAAS_USERNAME.matcher(jaas);
        return user.find() ? user.group(1) : null;
    }

    /** The OS user, the default principal when nothing logs in. */
    public static String osUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }

    /** Reads a Kafka client properties file, like Kafka tools' {@code --command-config}. */
    public static Properties load(Path file) {
        Properties properties = new Properties();
        if (file == null) {
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
            return properties;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read client config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The client properties on top of the bootstrap servers; the file wins for everything it sets. */
    Properties client(String role) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "chargeonce-dlt-" + role + "-" + principal);
        props.putAll(clientProperties);
        return props;
    }

    /**
     * Kafka refused this tool's login an operation on some topics: say which permission to grant on
     * which topics, since Kafka's own message names the topics but not what was missing.
     */
    IllegalStateException denied(String operation, TopicAuthorizationException e) {
        return new IllegalStateException("Kafka refused " + operation + " on topic(s) " + e.unauthorizedTopics()
                + " to this tool's login (--client-config; audit principal '" + principal + "'): grant that login "
                + operation + " on them (README, \"Dead letters and replay\", lists every ACL the tool needs)", e);
    }

    private static Properties copy(Properties source) {
        Properties copy = new Properties();
        copy.putAll(source);
        return copy;
    }
}
