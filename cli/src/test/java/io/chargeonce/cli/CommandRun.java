package io.chargeonce.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code chargeonce <args>} as a user would and keeps what it printed; the console still shows
 * it, so a failing run's progress is in the test log.
 */
record CommandRun(int exit, String output) {

    static CommandRun of(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream tee = new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            exit = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(original);
        }
        return new CommandRun(exit, captured.toString(StandardCharsets.UTF_8));
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
