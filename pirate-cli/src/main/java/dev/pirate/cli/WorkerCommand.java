package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.worker.MajordomoWorker;

/**
 * {@code pirate worker}: an echo worker for a service, replying with the request frames unchanged,
 * until SIGINT or SIGTERM. Useful to try a broker, and as a reference point in benchmarks.
 */
@Command(name = "worker", description = "Runs an echo worker for a service until SIGINT or SIGTERM.")
final class WorkerCommand implements Callable<Integer> {

    /**
     * Echo replies are immediate, so this only covers a reply in flight; it stays well inside the
     * 10 s that process supervisors such as Docker wait before SIGKILL.
     */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", required = true, paramLabel = "ENDPOINT",
            description = "Broker endpoint, e.g. tcp://localhost:5555.")
    private String endpoint;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "Service to serve.")
    private String service;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N",
            description = "Connections to the broker, each handling one request at a time (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--heartbeat", defaultValue = "2500ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Heartbeat interval; use the broker's (default: ${DEFAULT-VALUE}).")
    private Duration heartbeat;

    @Option(names = "--liveness", defaultValue = "3", paramLabel = "N",
            description = "Heartbeats the broker may miss before the worker reconnects (default: ${DEFAULT-VALUE}).")
    private int liveness;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = this.spec.commandLine().getOut();
        MajordomoWorker worker;
        try {
            worker = MajordomoWorker.builder(this.endpoint, this.service, WorkerCommand::echo)
                .concurrency(this.concurrency)
                .heartbeatInterval(this.heartbeat)
                .liveness(this.liveness)
                .shutdownGracePeriod(GRACE_PERIOD)
                .build();
            worker.start();
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
        try (worker; ShutdownSignal signal = new ShutdownSignal("pirate-worker-shutdown", worker::close)) {
            out.println("worker ready");
            out.flush();
            // A worker reconnects for as long as it runs, so only a signal ends it.
            signal.await(() -> true);
            return ExitCodes.OK;
        }
    }

    private static List<byte[]> echo(List<byte[]> body) {
        return body;
    }
}
