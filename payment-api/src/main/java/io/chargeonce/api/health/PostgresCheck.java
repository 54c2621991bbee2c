package io.chargeonce.api.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Is Postgres answering? Opens a fresh connection with short connect and socket timeouts and runs
 * {@code SELECT 1}. A fresh connection, not one from the pool: the pool would wait its whole
 * connection timeout for a dead server and could report a healthy database as down only because
 * requests hold every connection. The cost is one connection per probe, a few milliseconds at the
 * usual probe period of seconds.
 */
public final class PostgresCheck implements HealthCheck {

    /** Long enough for a loaded database on a busy machine, short enough for a probe's own timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final String jdbcUrl;
    private final Properties properties = new Properties();

    public PostgresCheck(String jdbcUrl, String user, String password, Duration timeout) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "payment-api-health");
    }

    @Override
    public String problem() throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return null;
        }
    }
}
