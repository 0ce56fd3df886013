package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.pirate.client.MajordomoClient;
import dev.pirate.security.ClientSecurity;

/**
 * {@code pirate mmi}: asks the broker whether a service has a worker (MMI {@code mmi.service}) and
 * prints the answer code, {@code 200} or {@code 404}.
 */
@Command(name = "mmi", description = "Asks the broker whether a service has a worker; prints 200 or 404.")
final class MmiCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", required = true, paramLabel = "ENDPOINT",
            description = "Broker endpoint, e.g. tcp://localhost:5555.")
    private String endpoint;

    @Option(names = "--timeout", defaultValue = "2500ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long each Lazy Pirate attempt waits for the broker's answer (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Parameters(paramLabel = "SERVICE", description = "Service to look up.")
    private String service;

    @Mixin
    private CurveClientOptions curve;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        EndpointOption.check(this.spec.commandLine(), "--connect", this.endpoint);
        ClientSecurity security = this.curve.security(this.spec.commandLine());
        try (MajordomoClient client = MajordomoClient.builder(this.endpoint).timeout(this.timeout).security(security)
            .build()) {
            out.println(client.serviceExists(this.service) ? "200" : "404");
            out.flush();
            return ExitCodes.OK;
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }
}
