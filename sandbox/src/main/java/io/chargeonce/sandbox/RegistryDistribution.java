package io.chargeonce.sandbox;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Apicurio Registry distribution and unpacks it once per machine.
 *
 * <p>The build fetches {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all} into the local
 * Maven repository, so no network is needed at run time. {@code CHARGEONCE_REGISTRY_DIST} overrides
 * the location (a {@code .tar.gz} or an unpacked directory holding {@code quarkus-run.jar}). The
 * archive is unpacked into {@code ~/.cache/chargeonce/} under a temporary name and renamed into place
 * only when complete, so a run killed mid-unpack or two JVMs unpacking at once never leave a half
 * distribution behind.
 */
final class RegistryDistribution {

    static final String ENV_OVERRIDE = "CHARGEONCE_REGISTRY_DIST";
    static final String RUNNER_JAR = "quarkus-run.jar";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryDistribution.class);

    private RegistryDistribution() {
    }

    /** The directory holding {@code quarkus-run.jar}, unpacking the archive first if needed. */
    static Path home() {
        String override = System.getenv(ENV_OVERRIDE);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (Files.isDirectory(path)) {
                return requireRunner(path, ENV_OVERRIDE + "=" + override);
            }
            return unpacked(requireFile(path, ENV_OVERRIDE + "=" + override), cacheDir().resolve("override-"
                    + Integer.toHexString(path.toAbsolutePath().toString().hashCode())));
        }
        String version = version();
        Path archive = mavenRepository().resolve(Path.of("io", "apicurio", "apicurio-registry-app", version,
                "apicurio-registry-app-" + version + "-all.tar.gz"));
        return unpacked(requireFile(archive, "the local Maven repository (build the sandbox module once: "
                + "./mvnw -pl sandbox install, or set " + ENV_OVERRIDE + ")"),
                cacheDir().resolve("apicurio-registry-" + version));
    }

    static String version() {
        Properties props = new Properties();
        try (InputStream in = RegistryDistribution.class.getResourceAsStream("sandbox.properties")) {
            if (in == null) {
                throw new IllegalStateException("sandbox.properties is missing from the sandbox jar");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("apicurio.version");
    }

    static Path mavenRepository() {
        String local = System.getProperty("maven.repo.local");
        if (local != null && !local.isBlank()) {
            return Path.of(local);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("chargeonce");
    }

    private static Path unpacked(Path archive, Path target) {
        deleteAbandonedStaging(target);
        if (Files.isRegularFile(target.resolve(RUNNER_JAR))) {
            return target;
        }
        long started = System.nanoTime();
        Path staging = target.resolveSibling(target.getFileName() + ".unpacking-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            untar(archive, staging);
            requireRunner(staging, archive.toString());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException lost) {
                // Another JVM finished first (or left an unusable dir we must not replace under a running registry).
                InstanceDir.deleteTree(staging);
            }
        } catch (IOException e) {
            InstanceDir.deleteTree(staging);
            throw new UncheckedIOException("could not unpack " + archive + " into " + target, e);
        }
        LOG.info("unpacked registry distribution into {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
        return requireRunner(target, archive.toString());
    }

    /** Staging dirs of unpacks that were killed; an hour is far longer than any unpack takes. */
    private static void deleteAbandonedStaging(Path target) {
        Path parent = target.getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        Instant cutoff = Instant.now().minus(Duration.ofHours(1));
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, target.getFileName() + ".unpacking-*")) {
            for (Path dir : stale) {
                if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                    InstanceDir.deleteTree(dir);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not clean {}: {}", parent, e.toString());
        }
    }

    private static void untar(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry escapes the target dir: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path requireFile(Path path, String where) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("registry distribution not found at " + path + " (from " + where + ")");
        }
        return path;
    }

    private static Path requireRunner(Path dir, String where) {
        if (!Files.isRegularFile(dir.resolve(RUNNER_JAR))) {
            throw new IllegalStateException("no " + RUNNER_JAR + " in " + dir + " (from " + where + ")");
        }
        return dir;
    }
}
