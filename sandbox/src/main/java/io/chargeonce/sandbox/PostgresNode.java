package io.chargeonce.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Fault tests can {@link #kill()} the postmaster (SIGKILL: a crash), {@link #stop()} it (a fast
 * shutdown) and {@link #start()} it again on the same data directory and port: what was committed
 * before a kill is there after the restart (Postgres replays its WAL). zonky starts the first server;
 * restarts run {@code pg_ctl} from the same binaries with the same settings, because zonky's own
 * lifecycle is start-once.
 */
public final class PostgresNode implements AutoCloseable, RestartableNode {

    static final String SUPERUSER = "postgres";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresNode.class);

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Backends notice their postmaster died within moments; a restart must wait for all of them. */
    private static final Duration ORPHAN_EXIT_PATIENCE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 20;

    /** Server settings, given on every start (zonky's and pg_ctl's), so a restart runs the same server. */
    private static final Map<String, String> SERVER_CONFIG = serverConfig();

    private final int port;
    private final Path dataDir;
    private final Path log;
    private final Path binDir;
    private final Duration startTimeout;
    private final AtomicLong databaseSequence = new AtomicLong();
    /** zonky's handle while it runs the first server; dropped once the server was killed or stopped. */
    private EmbeddedPostgres zonky;
    private ProcessHandle postmaster;
    /** The postmaster's children when last seen alive: a killed postmaster's backends outlive it briefly. */
    private List<ProcessHandle> backends = List.of();

    private PostgresNode(EmbeddedPostgres zonky, int port, Path dataDir, Path log, Duration startTimeout) {
        this.zonky = zonky;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.startTimeout = startTimeout;
        this.postmaster = livePostmaster(dataDir);
        this.binDir = binDirOf(postmaster);
    }

    private static Map<String, String> serverConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("listen_addresses", Ports.LOOPBACK_HOST);
        // No Unix socket: its path length is limited and a deep work dir would break the start.
        config.put("unix_socket_directories", "");
        config.put("timezone", "UTC");
        config.put("wal_level", "logical");
        config.put("fsync", "on");
        config.put("synchronous_commit", "on");
        config.put("full_page_writes", "on");
        config.put("max_replication_slots", "32");
        config.put("max_wal_senders", "32");
        config.put("max_connections", "300");
        return Collections.unmodifiableMap(config);
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
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                // Never let zonky delete the data: a restarted server needs it, and the sandbox deletes
                // it on close anyway. (A fresh directory is still initdb'ed.)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // the sandbox stops it, in order, with the other components
                .setPGStartupWait(startTimeout)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        SERVER_CONFIG.forEach(builder::setServerConfig);
        EmbeddedPostgres server = builder.start();
        try {
            return new PostgresNode(server, port, dataDir, log, startTimeout);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * SIGKILL to the postmaster: a crash. Its backends exit on their own when they notice (open
     * connections break at once); nothing is flushed that was not flushed already, and since
     * {@code fsync} and {@code synchronous_commit} are on, every acknowledged commit is on disk.
     */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        backends = postmaster.descendants().toList();
        Signals.kill(postmaster);
        // zonky would try pg_ctl stop on a dead server: it is done with from here on (its lock
        // file handle closes when it is collected; the data dir is ours)
        zonky = null;
        LOG.info("postgres postmaster {} on port {} killed", postmaster.pid(), port);
    }

    /** A fast shutdown ({@code pg_ctl stop -m fast}): sessions are disconnected, the data is consistent. */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        long begun = System.nanoTime();
        backends = postmaster.descendants().toList();
        if (zonky != null) {
            try {
                zonky.close();
            } catch (IOException e) {
                LOG.warn("zonky could not stop postgres on port {}: {}", port, e.toString());
            }
            zonky = null;
        } else {
            pgCtl(List.of("stop", "-m", "fast", "-w", "-t", Long.toString(STOP_GRACE.toSeconds())), false);
        }
        // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited
        if (!Signals.awaitExit(postmaster, STOP_GRACE)) {
            LOG.warn("postmaster {} on port {} survived pg_ctl stop; stopping it directly", postmaster.pid(), port);
            ChildProcess.stop(postmaster, STOP_GRACE);
        }
        LOG.info("postgres on port {} stopped in {} ms", port, (System.nanoTime() - begun) / 1_000_000);
    }

    /**
     * Starts the server again on the same data directory and port, after {@link #kill()} or
     * {@link #stop()}; returns once it accepts connections. After a kill Postgres first replays its
     * WAL (crash recovery), which for a sandbox takes well under a second.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("postgres on port " + port + " is already running (pid " + postmaster.pid() + ")");
        }
        long begun = System.nanoTime();
        awaitBackendsGone();
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        SERVER_CONFIG.forEach((key, value) -> options.addAll(List.of("-c", key + "=" + value)));
        pgCtl(List.of("start", "-w", "-t", Long.toString(Math.max(1, startTimeout.toSeconds())),
                "-o", String.join(" ", options)), true);
        postmaster = livePostmaster(dataDir);
        LOG.info("postgres on port {} started again in {} ms (postmaster {})", port,
                (System.nanoTime() - begun) / 1_000_000, postmaster.pid());
    }

    /** Whether the postmaster is alive (a frozen one counts as alive). */
    public synchronized boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    /** The current postmaster process; after a restart, a new one. */
    public synchronized ProcessHandle process() {
        return postmaster;
    }

    /** The shared memory of a killed postmaster stays attached until its last backend is gone; Postgres refuses to start before. */
    private void awaitBackendsGone() {
        for (ProcessHandle backend : backends) {
            if (!Signals.awaitExit(backend, ORPHAN_EXIT_PATIENCE)) {
                LOG.warn("postgres backend {} outlived its postmaster by {}; killing it", backend.pid(), ORPHAN_EXIT_PATIENCE);
                Signals.kill(backend);
            }
        }
        backends = List.of();
    }

    private void pgCtl(List<String> arguments, boolean failOnError) {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // pg_ctl refuses to run as root; zonky runs its binaries in a user namespace where we are
            // not, and a restarted server must run the same way (its files belong to that identity)
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(arguments);
        try {
            Process pgCtl = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!pgCtl.waitFor(startTimeout.toMillis() + STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                pgCtl.destroyForcibly();
                throw new IllegalStateException("pg_ctl " + arguments.getFirst() + " on port " + port + " hung");
            }
            if (pgCtl.exitValue() != 0 && failOnError) {
                throw new IllegalStateException("pg_ctl " + arguments.getFirst() + " on port " + port + " failed (exit "
                        + pgCtl.exitValue() + "); last lines of " + log + ":\n" + ChildJvm.tail(log, LOG_TAIL_LINES));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run pg_ctl for postgres on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pg_ctl ran for postgres on port " + port, e);
        }
    }

    private static ProcessHandle livePostmaster(Path dataDir) {
        long pid = readPostmasterPid(dataDir);
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalStateException("postmaster " + pid + " of " + dataDir + " is not running"));
    }

    /** zonky unpacks its binaries somewhere of its choosing; the running postmaster says where. */
    private static Path binDirOf(ProcessHandle postmaster) {
        Path binary = postmaster.info().command().map(Path::of).orElseGet(() -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(postmaster.pid()), "exe"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot tell where the postgres binaries are", e);
            }
        });
        return binary.getParent();
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

    /** The process id of the current postmaster. */
    public synchronized long postmasterPid() {
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

    /** A fast shutdown (see {@link #stop()}); if the postmaster outlives it, it is killed. */
    @Override
    public void close() {
        stop();
        awaitBackendsGone();
    }

    @Override
    public String toString() {
        return jdbcUrl("<database>") + " (user " + SUPERUSER + ", data " + dataDir + ")";
    }
}
