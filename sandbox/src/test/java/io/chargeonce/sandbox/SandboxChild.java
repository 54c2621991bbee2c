package io.chargeonce.sandbox;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Entry point of child JVMs for {@link ReaperTest}:
 * <ul>
 *   <li>{@code sandbox}: starts a sandbox with the components that run as separate processes
 *       (Postgres, the registry, a child-JVM broker),
 *       reports where they are on stdout, then waits to be killed;</li>
 *   <li>{@code try-lock <file>}: prints {@code LOCKED} if another process holds the file's lock,
 *       {@code FREE} otherwise (only another process can tell; a JVM sees its own locks differently).</li>
 * </ul>
 */
public final class SandboxChild {

    private SandboxChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("try-lock")) {
            try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock()) {
                System.out.println(lock == null ? "LOCKED" : "FREE");
            }
            return;
        }
        Sandbox sandbox = Sandbox.start(SandboxConfig.freePorts()
                .withComponents(Component.POSTGRES, Component.REGISTRY, Component.KAFKA)
                .withKafkaMode(KafkaMode.CHILD_PROCESS));
        System.out.println("READY " + sandbox.id()
                + " " + sandbox.postgres().port() + " " + sandbox.postgres().postmasterPid()
                + " " + sandbox.registry().port() + " " + sandbox.registry().pid()
                + " " + sandbox.dataDir()
                + " " + sandbox.kafka().port() + " " + sandbox.kafka().pid());
        System.out.flush();
        System.in.read(); // the parent kills this JVM with SIGKILL before it ever writes
    }
}
