package io.chargeonce.api.merchant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The merchants allowed to call payment-api, each with one API key of which only a SHA-256 is
 * stored. Provisioning is idempotent, so set-up scripts (the cli, the sandbox demo) can run it on
 * every start.
 */
public final class Merchants {

    private static final Logger log = LoggerFactory.getLogger(Merchants.class);

    /** Below this, a key is guessable enough that we say so (but still accept it for demos). */
    private static final int RECOMMENDED_KEY_LENGTH = 24;

    private final DataSource dataSource;
    private final Clock clock;

    /** Needs the payment-api schema in place ({@code ApiMigration.migrate}). */
    public Merchants(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the merchant {@code merchantName} authenticated by {@code apiKey}, or returns the id of
     * the one already created with that same name and key.
     *
     * @return the merchant id (uuid text)
     * @throws IllegalArgumentException if the name is blank or the key is not printable ASCII
     * @throws IllegalStateException    if the name exists with another key, or the key belongs to
     *                                  another merchant: keys are never silently rotated or shared
     */
    public String provision(String merchantName, String apiKey) {
        if (merchantName == null || merchantName.isBlank()) {
            throw new IllegalArgumentException("a merchant needs a non-blank name");
        }
        if (!ApiKeys.isWellFormed(apiKey)) {
            throw new IllegalArgumentException("an API key must be 1.." + ApiKeys.MAX_LENGTH
                    + " printable ASCII characters without spaces");
        }
        if (apiKey.length() < RECOMMENDED_KEY_LENGTH) {
            log.warn("merchant '{}' gets an API key shorter than {} characters: fine for a demo, guessable in production",
                    merchantName, RECOMMENDED_KEY_LENGTH);
        }
        byte[] keyHash = ApiKeys.sha256(apiKey);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO merchants (id, name, api_key_sha256, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, merchantName);
                insert.setBytes(3, keyHash);
                insert.setTimestamp(4, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, api_key_sha256 FROM merchants WHERE name = ?")) {
                select.setString(1, merchantName);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("cannot provision merchant '" + merchantName
                                + "': its API key is already used by another merchant");
                    }
                    if (!MessageDigest.isEqual(keyHash, row.getBytes("api_key_sha256"))) {
                        throw new IllegalStateException("merchant '" + merchantName
                                + "' already exists with a different API key; keys are not rotated by provisioning");
                    }
                    UUID id = row.getObject("id", UUID.class);
                    log.info("merchant {} '{}' provisioned", id, merchantName);
                    return id.toString();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot provision merchant '" + merchantName + "': " + e.getMessage(), e);
        }
    }

    /** The merchant owning {@code apiKey}, if any. */
    public Optional<Merchant> authenticate(String apiKey) throws SQLException {
        if (!ApiKeys.isWellFormed(apiKey)) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, name FROM merchants WHERE api_key_sha256 = ?")) {
            select.setBytes(1, ApiKeys.sha256(apiKey));
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new Merchant(row.getObject("id", UUID.class), row.getString("name")))
                        : Optional.empty();
            }
        }
    }
}
