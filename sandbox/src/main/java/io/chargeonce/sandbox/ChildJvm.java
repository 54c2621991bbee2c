package io.chargeonce.sandbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting JVMs that run on this JVM's classpath (a Kafka broker, a chargeonce service), and the
 * other half: a child that exits when the JVM that started it is gone, so a crashed test run
 * leaves no broker or service behind even before the next sandbox reaps.
 */
public final class ChildJvm {

    /** System property (or, as {@value #OWNER_PID_ENV}, environment variable) naming the owner's pid. */
    public static final String OWNER_PID_PROPERTY = "chargeonce.owner.pid";
    public static final String OWNER_PID_ENV = "CHARGEONCE_OWNER_PID";
    private static final int TAIL_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private ChildJvm() {
    }

    /** The {@code java} binary of this JVM: children run on the same JDK. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath as a child can use it. Under Surefire, {@code java.class.path} is a
     * manifest-only booter jar that Surefire deletes when the fork ends; the real test classpath is
     * in {@code surefire.test.class.path}. A thin jar's manifest {@code Class-Path} is honoured under
     * {@code -cp} too, so the installed command works as is.
     */
    public static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** {@code java <jvmArgs> -cp <this classpath> <mainClass> <args>}. */
    public static List<String> command(List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** The last {@code lines} lines of a log file, for error messages; a note if it cannot be read. */
    public static String tail(Path log, int lines) {
        if (!Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    /**
     * In a child: exits this JVM (running its shutdown hooks, so it stops in order) as soon as the
     * owner process is gone, whatever killed it. The owner comes from {@value #OWNER_PID_PROPERTY} or
     * {@value #OWNER_PID_ENV}; without either, nothing is watched (a service run by hand or by an
     * orchestrator has no owner to outlive).
     *
     * @return the watched pid, if any
     */
    public static OptionalLong exitWhenOwnerDies(String who) {
        String raw = System.getProperty(OWNER_PID_PROPERTY, System.getenv(OWNER_PID_ENV));
        if (raw == null || raw.isBlank()) {
            return OptionalLong.empty();
        }
        long owner = Long.parseLong(raw.strip());
        ProcessHandle.of(owner).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> ownerGone(who, owner)),
                () -> ownerGone(who, owner));
        return OptionalLong.of(owner);
    }

    private static void ownerGone(String who, long owner) {
        LOG.warn("{}: owner process {} is gone; exiting so nothing is left running", who, owner);
        // exit() from a thread the shutdown hooks do not wait on: the hooks stop the service
        Thread.ofPlatform().name("owner-gone").start(() -> System.exit(3));
    }
}
