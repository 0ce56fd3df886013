package dev.pirate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.pirate.client.CallOptions;

/**
 * {@code pirate call}: sends one request, through a broker or straight to a REP server, and prints
 * each reply frame as UTF-8 on its own line. Failures print one line on stderr; the exit code tells
 * which kind ({@link ExitCodes}).
 */
@Command(name = "call", description = "Sends one request to a service or REP server and prints the reply frames, "
        + "one per line.")
final class CallCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private TargetOptions target;

    @Option(names = "--timeout", defaultValue = "2500ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long each attempt waits for the reply (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--retries", defaultValue = "3", paramLabel = "N",
            description = "Attempts after the first one times out (default: ${DEFAULT-VALUE}).")
    private int retries;

    @Parameters(arity = "1..*", paramLabel = "BODY", description = "Request frames, one per argument, in UTF-8.")
    private List<String> body;

    @Override
    public Integer call() {
        this.target.checkEndpoint(this.spec.commandLine());
        PrintWriter out = this.spec.commandLine().getOut();
        List<byte[]> frames = this.body.stream().map((frame) -> frame.getBytes(StandardCharsets.UTF_8)).toList();
        try (Requester requester = this.target.open(new CallOptions(this.timeout, this.retries))) {
            List<byte[]> reply = requester.request(frames);
            reply.forEach((frame) -> out.println(new String(frame, StandardCharsets.UTF_8)));
            out.flush();
            return ExitCodes.OK;
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }
}
