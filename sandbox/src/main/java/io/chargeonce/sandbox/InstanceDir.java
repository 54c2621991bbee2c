package io.chargeonce.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The runtime directory of one sandbox instance: {@code <root>/<id>/}, where root is shared by every
 * sandbox on the machine ({@code ${java.io.tmpdir}/chargeonce-sandbox}).
 *
 * <p>The owner JVM holds an exclusive lock on {@code owner.lock} for the instance's whole life. The
 * operating system drops that lock when the process dies, however it dies (kill -9 included), so
 * "the lock can be taken" is a reliable, race-free test that the owner is gone: the {@link Reaper}
 * takes the lock to claim a stale instance, and two reapers can never claim the same one. The
 * directory also lists the owner's pid and every child process the instance started, so the
 * reaper knows what to stop.
 */
final class InstanceDir implements AutoCloseable {

    static final String LOCK_FILE = "owner.lock";
    static final String INSTANCE_FILE = "instance.properties";
    static final String CHILD_SUFFIX = ".child";
    /** Every instance dir name starts with this; the reaper touches nothing else under the root. */
    static final String ID_PREFIX = "sb-";

    /**
     * Instance dirs this JVM owns. POSIX record locks belong to the process, and closing any channel
     * on a locked file drops all of the process's locks on it, so this JVM must never even open the
     * lock file of an instance it owns: the reaper checks this set first.
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final String id;
    private final Path dir;
    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private InstanceDir(String id, Path dir, Path dataDir, FileChannel lockChannel, FileLock lock) {
        this.id = id;
        this.dir = dir;
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** The directory every sandbox on this machine registers under. */
    static Path root() {
        return SandboxConfig.defaultWorkDir();
    }

    /** Registers a new instance under {@code root}; its data goes to {@code workDir/<id>}. */
    static InstanceDir create(Path root, Path workDir) {
        String id = ID_PREFIX + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path dir = root.resolve(id);
        OWNED.add(dir.toAbsolutePath().normalize()); // before the lock file exists, so no reaper here opens it
        try {
            Files.createDirectories(dir);
            // The lock comes first: a directory with a lock nobody holds is stale, one without a lock
            // file is an instance still being created (or one that died within that instant).
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("could not lock fresh sandbox dir " + dir);
            }
            Path dataDir = workDir.resolve(id);
            Files.createDirectories(dataDir);
            Properties props = new Properties();
            props.setProperty("ownerPid", Long.toString(ProcessHandle.current().pid()));
            props.setProperty("ownerCommand", ProcessHandle.current().info().command().orElse("?"));
            props.setProperty("createdAt", Instant.now().toString());
            props.setProperty("dataDir", dataDir.toString());
            writeAtomically(dir.resolve(INSTANCE_FILE), props);
            return new InstanceDir(id, dir, dataDir, channel, lock);
        } catch (IOException e) {
            OWNED.remove(dir.toAbsolutePath().normalize());
            throw new UncheckedIOException("could not create sandbox runtime dir " + dir, e);
        }
    }

    String id() {
        return id;
    }

    /** Whether this JVM owns the instance registered in {@code dir}. */
    static boolean ownedByThisJvm(Path dir) {
        return OWNED.contains(dir.toAbsolutePath().normalize());
    }

    /** The registration directory under the shared root. */
    Path dir() {
        return dir;
    }

    /** Where this instance keeps its data; deleted on close. */
    Path dataDir() {
        return dataDir;
    }

    /** Writes down a child process so a reaper can stop it if this JVM dies without closing. */
    void recordChild(ChildProcess child) {
        try {
            writeAtomically(dir.resolve(child.name() + CHILD_SUFFIX), child.toProperties());
        } catch (IOException e) {
            throw new UncheckedIOException("could not record " + child.name() + " process in " + dir, e);
        }
    }

    /** Releases the lock and deletes the data and runtime directories. */
    @Override
    public void close() {
        try {
            deleteTree(dataDir);
            deleteTree(dir);
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // the file is gone already; the lock dies with the channel or the process
            }
            OWNED.remove(dir.toAbsolutePath().normalize());
        }
    }

    static void writeAtomically(Path file, Properties props) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(out, "chargeonce sandbox");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Properties read(Path file) throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        return props;
    }

    /** Deletes a directory tree, tolerating files that vanish meanwhile (a process still writing, a racing reaper). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (java.nio.file.DirectoryNotEmptyException late) {
                        // something wrote into it after we listed it; leave it for the next reaper
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
