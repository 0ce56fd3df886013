package dev.pirate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pirate} command: runs a Majordomo broker or worker, or sends requests to one.
 * <p>
 * Exit codes are listed in {@link ExitCodes}. Settings given with {@code scope = INHERIT} (help and
 * version options, the usage exit code) apply to every subcommand, so a new subcommand only needs
 * its class added to {@code subcommands}.
 */
@Command(name = "pirate", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = "Reliable ZeroMQ request-reply: Majordomo broker, worker and clients.",
        subcommands = {
            BrokerCommand.class,
            WorkerCommand.class,
            CallCommand.class,
            MmiCommand.class,
        })
public final class PirateCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits with its exit code.
     * @param args the command line arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PirateCommand()).execute(args));
    }

    /**
     * Reached only when no subcommand was given, which is a usage error.
     */
    @Override
    public void run() {
        throw new ParameterException(this.spec.commandLine(), "Missing required subcommand");
    }
}
