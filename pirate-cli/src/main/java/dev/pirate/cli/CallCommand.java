package dev.pirate.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.pirate.client.Backoff;
import dev.pirate.client.CallOptions;
import dev.pirate.security.ClientSecurity;

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

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest the whole call may take, every attempt and pause included; no attempt starts "
                    + "after it (default: none, every attempt may wait its --timeout).")
    private Duration deadline;

    @Option(names = "--backoff", defaultValue = "100ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Pause before the first retry; it doubles with each further retry, up to 1s or this value "
                    + "if higher, and is jittered between half and all of it (default: ${DEFAULT-VALUE}).")
    private Duration backoff;

    @Mixin
    private CurveClientOptions curve;

    @Parameters(arity = "1..*", paramLabel = "BODY", description = "Request frames, one per argument, in UTF-8.")
    private List<String> body;

    @Override
    public Integer call() {
        this.target.checkEndpoint(this.spec.commandLine());
        PrintWriter out = this.spec.commandLine().getOut();
        List<byte[]> frames = this.body.stream().map((frame) -> frame.getBytes(StandardCharsets.UTF_8)).toList();
        CallOptions options = CallOptions.of(this.timeout, this.retries).withDeadline(this.deadline)
            .withBackoff(Backoff.exponential(this.backoff, Backoff.DEFAULT.multiplier(),
                    max(this.backoff, Backoff.DEFAULT.max())));
        ClientSecurity security = this.curve.security(this.spec.commandLine());
        try (Requester requester = this.target.open(options, security)) {
            List<byte[]> reply = requester.request(frames);
            reply.forEach((frame) -> out.println(new String(frame, StandardCharsets.UTF_8)));
            out.flush();
            return ExitCodes.OK;
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }

    private static Duration max(Duration a, Duration b) {
        return (a.compareTo(b) >= 0) ? a : b;
    }
}
