package io.chargeonce.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code chargeonce} command line. */
@Command(name = "chargeonce",
        mixinStandardHelpOptions = true,
        version = "chargeonce 0.1.0",
        description = "Payments that happen exactly once, and a system that tells the truth about them.",
        subcommands = {DemoCommand.class, UpCommand.class, VerifyCommand.class, StormCommand.class, FaultsCommand.class,
                PaymentCommand.class, io.chargeonce.cli.deadletter.DltCommand.class,
                io.chargeonce.cli.service.ServiceCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
