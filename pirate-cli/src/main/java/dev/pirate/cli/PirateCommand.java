package dev.pirate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import dev.pirate.cli.bench.BenchCommand;
import dev.pirate.cli.bench.BenchRawCommand;

/**
 * The {@code pirate} command: runs a Majordomo broker, a Pirate queue, a threaded server or a worker,
 * sends requests to one, or measures one.
 * <p>
 * Exit codes are listed in {@link ExitCodes}. Settings given with {@code scope = INHERIT} (help and
 * version options, the usage exit code) apply to every subcommand, so a new subcommand only needs
 * its class added to {@code subcommands}.
 */
@Command(name = "pirate", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = "Reliable ZeroMQ request-reply: Majordomo broker, Pirate queues, workers, clients and benchmarks.",
        subcommands = {
            BrokerCommand.class,
            WorkerCommand.class,
            CallCommand.class,
            MmiCommand.class,
            QueueCommand.class,
            ServerCommand.class,
            BenchCommand.class,
            BenchRawCommand.class,
            KeygenCommand.class,
        })
public final class PirateCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits with its exit code.
     * @param args the command line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Creates the command line with the settings every run shares: enum values such as
     * {@code --mode paranoid} are read without regard to case, so users type them in lower case.
     * @return a new command line for one run
     */
    static CommandLine commandLine() {
        return new CommandLine(new PirateCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Reached only when no subcommand was given, which is a usage error.
     */
    @Override
    public void run() {
        throw new ParameterException(this.spec.commandLine(), "Missing required subcommand");
    }
}
