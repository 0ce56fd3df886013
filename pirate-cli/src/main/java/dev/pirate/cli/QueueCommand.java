package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;
import dev.pirate.security.ServerSecurity;
import dev.pirate.security.ServiceRules;

/**
 * {@code pirate queue}: runs a Simple Pirate or Paranoid Pirate queue until SIGINT or SIGTERM. Once
 * bound it prints {@code queue listening on FRONTEND BACKEND} with the ports resolved, so scripts
 * can wait for that line.
 */
@Command(name = "queue", description = "Runs a Simple or Paranoid Pirate queue until SIGINT or SIGTERM.")
final class QueueCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", required = true, paramLabel = "MODE",
            description = "simple (Simple Pirate: READY once, no heartbeats) or paranoid (Paranoid Pirate, RFC 6: "
                    + "heartbeats both ways, silent workers expire).")
    private QueueMode mode;

    @Option(names = "--frontend", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint to bind for clients, e.g. tcp://*:5555; tcp://127.0.0.1:* picks a free port.")
    private String frontend;

    @Option(names = "--backend", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint to bind for workers, e.g. tcp://*:5556.")
    private String backend;

    @Option(names = "--heartbeat", defaultValue = "1s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Heartbeat interval towards workers, paranoid mode only (default: ${DEFAULT-VALUE}).")
    private Duration heartbeat;

    @Option(names = "--liveness", defaultValue = "3", paramLabel = "N",
            description = "Heartbeats a worker may miss before it is forgotten, paranoid mode only "
                    + "(default: ${DEFAULT-VALUE}).")
    private int liveness;

    @Mixin
    private CurveServerOptions curve;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        EndpointOption.check(this.spec.commandLine(), "--frontend", this.frontend);
        EndpointOption.check(this.spec.commandLine(), "--backend", this.backend);
        ServerSecurity security = this.curve.security(this.spec.commandLine(), ServiceRules.NONE);
        PirateQueue queue;
        try {
            queue = PirateQueue.builder(this.mode, this.frontend, this.backend)
                .heartbeatInterval(this.heartbeat)
                .liveness(this.liveness)
                .security(security)
                .build();
            queue.start();
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, err);
        }
        try (queue; ShutdownSignal signal = new ShutdownSignal("pirate-queue-shutdown", queue::close)) {
            out.println("queue listening on " + queue.frontendEndpoint() + " " + queue.backendEndpoint());
            out.flush();
            if (signal.await(queue::isRunning)) {
                return ExitCodes.OK;
            }
            err.println("Queue on " + queue.frontendEndpoint() + " stopped: " + queue.failure() + "; see the log");
            err.flush();
            return ExitCodes.FAILURE;
        }
    }
}
