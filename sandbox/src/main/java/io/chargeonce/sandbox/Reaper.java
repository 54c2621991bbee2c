package io.chargeonce.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after sandboxes whose JVM died without closing them (kill -9, a crashed test fork, a
 * power cut): stops their leftover Postgres and registry processes and deletes their directories,
 * so a fixed-port run can start again and disks do not fill with dead data directories.
 *
 * <p>An instance is stale exactly when its {@code owner.lock} can be locked (see {@link InstanceDir});
 * holding that lock while reaping keeps concurrent reapers off the same instance. Live instances,
 * including this JVM's own, are never touched. Processes whose instance directory vanished are
 * found by the instance id on their command line ({@link #reapOrphans}).
 */
final class Reaper {

    /** A directory without a lock file younger than this is an instance being created right now. */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    /**
     * Processes that name their instance: the registry by a system property, the postmaster by its
     * data directory. Group 1 is the instance id, group 2 its owner's pid.
     */
    private static final List<Pattern> INSTANCE_MARKERS = List.of(
            Pattern.compile("-D" + Pattern.quote(RegistryNode.INSTANCE_PROPERTY) + "=(" + InstanceDir.ID_PREFIX
                    + "(\\d+)-[0-9a-f]{8})(\\s|$)"),
            Pattern.compile("postgres -D \\S*/(" + InstanceDir.ID_PREFIX + "(\\d+)-[0-9a-f]{8})/postgres/data(\\s|$)"));

    private Reaper() {
    }

    /** Reaps every stale instance under {@code root}, then orphans whose directory is gone; returns the ids reaped. */
    static List<String> reapStale(Path root) {
        List<String> reaped = reapStaleDirs(root);
        reaped.addAll(reapOrphans(root));
        return reaped;
    }

    private static List<String> reapStaleDirs(Path root) {
        List<String> reaped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return reaped;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root,
                dir -> dir.getFileName().toString().startsWith(InstanceDir.ID_PREFIX) && Files.isDirectory(dir))) {
            for (Path dir : dirs) {
                if (reapIfStale(dir)) {
                    reaped.add(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("could not list sandbox root {}: {}", root, e.toString());
        }
        return reaped;
    }

    /**
     * Second line of defence: sandbox processes whose instance directory was deleted while they ran
     * (by hand, by a tmp cleaner) cannot be found through it. Each names its instance, and the id
     * carries the owner's pid; if that pid is gone and the directory too, nobody will ever stop the
     * process, so it is stopped here. A reused owner pid makes it look alive: then it is left alone.
     */
    static List<String> reapOrphans(Path root) {
        List<String> reaped = new ArrayList<>();
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach(process -> {
            String commandLine = ChildProcess.commandLine(process);
            for (Pattern marker : INSTANCE_MARKERS) {
                Matcher match = marker.matcher(commandLine);
                if (match.find() && isOrphan(root, match.group(1), Long.parseLong(match.group(2)))) {
                    LOG.info("stopping orphan process {} of vanished sandbox {}", process.pid(), match.group(1));
                    ChildProcess.stop(process, STOP_GRACE);
                    reaped.add(match.group(1));
                    return;
                }
            }
        });
        return reaped;
    }

    private static boolean isOrphan(Path root, String id, long ownerPid) {
        boolean ownerAlive = ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
        return !ownerAlive && !Files.exists(root.resolve(id));
    }

    private static boolean reapIfStale(Path dir) {
        if (InstanceDir.ownedByThisJvm(dir)) {
            return false; // opening its lock file at all would release our own lock (see InstanceDir)
        }
        Path lockFile = dir.resolve(InstanceDir.LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return deleteIfAbandoned(dir);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return false; // its owner is alive
            }
            reap(dir);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // another thread of this JVM is reaping it
        } catch (NoSuchFileException e) {
            return false; // closed or reaped by someone else meanwhile
        } catch (IOException e) {
            LOG.warn("could not check sandbox dir {}: {}", dir, e.toString());
            return false;
        }
    }

    private static void reap(Path dir) throws IOException {
        Properties instance = readOrEmpty(dir.resolve(InstanceDir.INSTANCE_FILE));
        LOG.info("reaping stale sandbox {} (owner pid {} is gone)", dir.getFileName(),
                instance.getProperty("ownerPid", "?"));
        // Children stop in parallel: each waits out its own shutdown, and a fixed-port start is waiting.
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, "*" + InstanceDir.CHILD_SUFFIX);
                ExecutorService stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Path file : children) {
                ChildProcess child = ChildProcess.fromProperties(InstanceDir.read(file));
                child.findLive().ifPresent(process -> stoppers.submit(() -> {
                    long begun = System.nanoTime();
                    ChildProcess.stop(process, STOP_GRACE);
                    LOG.info("stopped leftover {} process {} of sandbox {} in {} ms", child.name(), process.pid(),
                            dir.getFileName(), (System.nanoTime() - begun) / 1_000_000);
                }));
            }
        }
        String dataDir = instance.getProperty("dataDir");
        // Only ever delete a data dir named after this instance: a corrupt file must not aim us elsewhere.
        if (dataDir != null && Path.of(dataDir).getFileName().equals(dir.getFileName())) {
            InstanceDir.deleteTree(Path.of(dataDir));
        }
        InstanceDir.deleteTree(dir);
    }

    private static boolean deleteIfAbandoned(Path dir) {
        try {
            Instant modified = Files.getLastModifiedTime(dir).toInstant();
            if (modified.isBefore(Instant.now().minus(UNLOCKED_GRACE))) {
                LOG.info("deleting abandoned sandbox dir {} (never locked)", dir.getFileName());
                InstanceDir.deleteTree(dir);
                return true;
            }
        } catch (IOException e) {
            // vanished meanwhile
        }
        return false;
    }

    private static Properties readOrEmpty(Path file) {
        try {
            return InstanceDir.read(file);
        } catch (IOException e) {
            return new Properties();
        }
    }
}
