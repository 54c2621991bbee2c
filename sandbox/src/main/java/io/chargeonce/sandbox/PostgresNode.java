package io.chargeonce.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries) run as a child process, configured for
 * change data capture and for durability.
 *
 * <p>zonky starts Postgres with {@code -F} (fsync off) because most test suites want speed; chargeonce's
 * tests are about what survives a crash, and logical decoding of commits that were never flushed
 * misleads them, so durability is switched back on ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes}). {@code wal_level=logical} and plenty of replication slots and WAL senders
 * let several relays (one per test database) stream at once.
 */
public final class PostgresNode implements AutoCloseable {

    static final String SUPERUSER = "postgres";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresNode.class);

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;
    private final ProcessHandle postmaster;
    private final AtomicLong databaseSequence = new AtomicLong();

    private PostgresNode(EmbeddedPostgres server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.postmaster = ProcessHandle.of(readPostmasterPid(dataDir))
                .orElseThrow(() -> new IllegalStateException("postmaster of " + dataDir + " is not running"));
    }

    /**
     * Starts a server with its data in {@code baseDir/data} and its log in {@code baseDir/postgres.log}.
     * The postmaster is recorded in {@code instance} before it is started, so a reaper finds it even if
     * this JVM dies while it starts.
     */
    static PostgresNode start(int port, Path baseDir, InstanceDir instance, Duration startTimeout) throws IOException {
        Path dataDir = baseDir.resolve("data");
        Path log = baseDir.resolve("postgres.log");
        Files.createDirectories(baseDir);
        instance.recordChild(ChildProcess.fromPidFile(Component.POSTGRES.label(), dataDir.resolve("postmaster.pid"),
                dataDir.toString()));
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setRegisterShutdownHook(false) // the sandbox stops it, in order, with the other components
                .setPGStartupWait(startTimeout)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("listen_addresses", Ports.LOOPBACK_HOST)
                // No Unix socket: its path length is limited and a deep work dir would break the start.
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_replication_slots", "32")
                .setServerConfig("max_wal_senders", "32")
                .setServerConfig("max_connections", "300")
                .start();
        try {
            return new PostgresNode(server, port, dataDir);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public String host() {
        return Ports.LOOPBACK_HOST;
    }

    public int port() {
        return port;
    }

    public String user() {
        return SUPERUSER;
    }

    public String password() {
        return SUPERUSER;
    }

    /** JDBC URL of a database on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /**
     * Creates an empty database named {@code <prefix>_<n>}: the prefix is lower-cased and anything
     * that is not a letter, digit or underscore becomes an underscore, so it needs no quoting.
     */
    public DatabaseInfo createDatabase(String namePrefix) {
        String name = databaseName(namePrefix, databaseSequence.incrementAndGet());
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + host() + ":" + port, e);
        }
        LOG.info("created database {} on port {}", name, port);
        return new DatabaseInfo(name, jdbcUrl(name), user(), password());
    }

    static String databaseName(String prefix, long sequence) {
        String base = prefix == null || prefix.isBlank() ? "db" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (!Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
            base = "db_" + base;
        }
        String suffix = "_" + sequence;
        int maxBase = 63 - suffix.length(); // Postgres truncates identifiers at 63 bytes
        return (base.length() > maxBase ? base.substring(0, maxBase) : base) + suffix;
    }

    /** The process id of the postmaster. */
    long postmasterPid() {
        return postmaster.pid();
    }

    private static long readPostmasterPid(Path dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dataDir() {
        return dataDir;
    }

    /** A fast shutdown through pg_ctl; if the postmaster outlives it (pg_ctl gives up after 5 s), it is killed. */
    @Override
    public void close() throws IOException {
        server.close();
        if (postmaster.isAlive()) {
            LOG.warn("postmaster {} on port {} survived pg_ctl stop; stopping it directly", postmaster.pid(), port);
            ChildProcess.stop(postmaster, STOP_GRACE);
        }
    }

    @Override
    public String toString() {
        return jdbcUrl("<database>") + " (user " + SUPERUSER + ", data " + dataDir + ")";
    }
}
