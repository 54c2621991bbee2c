package io.chargeonce.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// A child JVM that never reports would block on its pipe forever; fail instead.
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReaperTest {

    @Test
    void aFixedPortRunStartsAfterThePreviousOneWasKilled() throws Exception {
        Process child = startChildJvm("sandbox");
        String[] ready;
        try {
            ready = awaitReadyLine(child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs, Postgres and the registry stay behind
        }
        child.waitFor();
        String id = ready[1];
        int postgresPort = Integer.parseInt(ready[2]);
        long postmasterPid = Long.parseLong(ready[3]);
        int registryPort = Integer.parseInt(ready[4]);
        long registryPid = Long.parseLong(ready[5]);
        Path dataDir = Path.of(ready[6]);
        int kafkaPort = Integer.parseInt(ready[7]);
        long kafkaPid = Long.parseLong(ready[8]);
        // the scenario is real: both processes outlived their JVM and still hold their ports
        assertThat(alive(postmasterPid)).isTrue();
        assertThat(alive(registryPid)).isTrue();
        assertThat(Ports.isFree(postgresPort)).isFalse();
        // a child-JVM broker watches its owner and exits by itself (the reaper would stop it otherwise)
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !alive(kafkaPid) && Ports.isFree(kafkaPort));

        SandboxConfig samePorts = SandboxConfig.freePorts().withComponents(Component.POSTGRES, Component.REGISTRY)
                .withPostgresPort(postgresPort).withRegistryPort(registryPort);
        try (Sandbox next = Sandbox.start(samePorts)) {
            assertThat(next.postgres().port()).isEqualTo(postgresPort);
            assertThat(next.registry().port()).isEqualTo(registryPort);
        }

        assertThat(alive(postmasterPid)).isFalse();
        assertThat(alive(registryPid)).isFalse();
        assertThat(InstanceDir.root().resolve(id)).doesNotExist();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void liveInstancesAreLeftAlone() throws Exception {
        Sandbox sandbox = Sandbox.shared();

        List<String> reaped = Reaper.reapStale(InstanceDir.root());

        assertThat(reaped).doesNotContain(sandbox.id());
        assertThat(InstanceDir.root().resolve(sandbox.id())).isDirectory();
        // Opening our own lock file, even just to try it, would have dropped the lock for other processes.
        assertThat(childJvmOutput("try-lock", InstanceDir.root().resolve(sandbox.id()).resolve(InstanceDir.LOCK_FILE)
                .toString())).isEqualTo("LOCKED");
        DatabaseInfo db = sandbox.postgres().createDatabase("still_alive");
        try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void onlyProcessesWhoseCommandLineMatchesAreStopped(@TempDir Path root) throws Exception {
        Process matching = new ProcessBuilder("sleep", "301").start();
        Process unrelated = new ProcessBuilder("sleep", "302").start();
        try {
            Path dir = Files.createDirectories(root.resolve("sb-dead-owner"));
            Files.createFile(dir.resolve(InstanceDir.LOCK_FILE)); // nobody holds its lock: the owner is gone
            record(dir, ChildProcess.of("matching", matching.toHandle(), "sleep 301"));
            // the pid is live but belongs to something else now: the marker does not match
            record(dir, ChildProcess.of("reused-pid", unrelated.toHandle(), "postgres -D /somewhere"));

            List<String> reaped = Reaper.reapStale(root);

            assertThat(reaped).containsExactly("sb-dead-owner");
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !matching.isAlive());
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(dir).doesNotExist();
        } finally {
            matching.destroyForcibly();
            unrelated.destroyForcibly();
        }
    }

    @Test
    void orphansWhoseInstanceDirWasDeletedAreStillFound(@TempDir Path root) throws Exception {
        String orphanId = InstanceDir.ID_PREFIX + deadPid() + "-0000abcd";
        String livingId = InstanceDir.ID_PREFIX + ProcessHandle.current().pid() + "-0000abcd";
        // Stand-ins for registry processes: their command lines name their instance as the registry's does.
        // `read` is a bash builtin: the stand-ins have no child process that could outlive them.
        Process orphan = new ProcessBuilder("bash", "-c", "read -t 303 || :",
                "-D" + RegistryNode.INSTANCE_PROPERTY + "=" + orphanId).start();
        Process ofLiveOwner = new ProcessBuilder("bash", "-c", "read -t 304 || :",
                "-D" + RegistryNode.INSTANCE_PROPERTY + "=" + livingId).start();
        try {
            List<String> reaped = Reaper.reapOrphans(root);

            assertThat(reaped).contains(orphanId).doesNotContain(livingId);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !orphan.isAlive());
            assertThat(ofLiveOwner.isAlive()).isTrue();
        } finally {
            orphan.destroyForcibly();
            ofLiveOwner.destroyForcibly();
        }
    }

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        return done.pid();
    }

    private static void record(Path dir, ChildProcess child) throws IOException {
        Properties props = child.toProperties();
        InstanceDir.writeAtomically(dir.resolve(child.name() + InstanceDir.CHILD_SUFFIX), props);
    }

    private static Process startChildJvm(String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath, SandboxChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String childJvmOutput(String... args) throws Exception {
        Process child = startChildJvm(args);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        child.waitFor();
        return output.lines().reduce((first, second) -> second).orElse("");
    }

    private static String[] awaitReadyLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return line.split(" ");
            }
        }
        throw new IllegalStateException("child JVM exited (" + child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)
                + ") without starting its sandbox");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
