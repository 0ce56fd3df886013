package dev.pirate.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.security.ServerSecurity;
import dev.pirate.security.ServiceRules;
import dev.pirate.server.ThreadedServer;

/**
 * {@code pirate server}: the Guide's multi-threaded echo service, a plain REP endpoint that serves N
 * requests at once, until SIGINT or SIGTERM. Once bound it prints {@code server listening on ENDPOINT}.
 */
@Command(name = "server", description = "Runs a multi-threaded REP echo server until SIGINT or SIGTERM.")
final class ServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bind", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint to bind, e.g. tcp://*:5555; tcp://127.0.0.1:* picks a free port.")
    private String endpoint;

    @Option(names = "--threads", defaultValue = "4", paramLabel = "N",
            description = "Requests served at once, one thread each (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Mixin
    private CurveServerOptions curve;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        EndpointOption.check(this.spec.commandLine(), "--bind", this.endpoint);
        ServerSecurity security = this.curve.security(this.spec.commandLine(), ServiceRules.NONE);
        ThreadedServer server;
        try {
            server = ThreadedServer.builder(this.endpoint, ServerCommand::echo).threads(this.threads).security(security)
                .build();
            server.start();
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, err);
        }
        try (server; ShutdownSignal signal = new ShutdownSignal("pirate-server-shutdown", server::close)) {
            out.println("server listening on " + server.endpoint());
            out.flush();
            if (signal.await(server::isRunning)) {
                return ExitCodes.OK;
            }
            err.println("Server on " + server.endpoint() + " stopped: " + server.failure() + "; see the log");
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    private static List<byte[]> echo(List<byte[]> body) {
        return body;
    }
}
