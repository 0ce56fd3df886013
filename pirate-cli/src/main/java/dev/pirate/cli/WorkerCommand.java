package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import dev.pirate.security.ClientSecurity;
import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.QueueWorker;

/**
 * {@code pirate worker}: an echo worker, replying with the request frames unchanged, until SIGINT or
 * SIGTERM. It speaks MDP to a Majordomo broker, or the Simple or Paranoid Pirate protocol to a
 * {@code pirate queue}. Useful to try a broker or queue, and as a reference point in benchmarks.
 */
@Command(name = "worker", description = "Runs an echo worker for a broker or Pirate queue until SIGINT or SIGTERM.")
final class WorkerCommand implements Callable<Integer> {

    /**
     * Echo replies are immediate, so this only covers a reply in flight; it stays well inside the
     * 10 s that process supervisors such as Docker wait before SIGKILL.
     */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(5);

    /** Each protocol's own default: the RFCs' broker and queue use different heartbeat intervals. */
    private static final Duration MDP_HEARTBEAT = Duration.ofMillis(2500);

    private static final Duration PPP_HEARTBEAT = Duration.ofSeconds(1);

    @Spec
    private CommandSpec spec;

    @Option(names = "--protocol", defaultValue = "mdp", paramLabel = "PROTOCOL",
            description = "mdp (Majordomo broker), simple (Simple Pirate queue) or ppp (Paranoid Pirate queue) "
                    + "(default: ${DEFAULT-VALUE}).")
    private Protocol protocol;

    @Option(names = "--connect", required = true, split = ",", paramLabel = "ENDPOINT",
            description = "Broker endpoint, or the queue's backend endpoint, e.g. tcp://localhost:5555. For mdp, "
                    + "several brokers separated by commas: the worker registers with every one, each with its "
                    + "own connections (--concurrency per broker).")
    private List<String> endpoints;

    @Option(names = "--service", paramLabel = "NAME", description = "Service to serve; required for mdp only.")
    private String service;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N",
            description = "Requests handled at once: connections each handling one at a time, or with --prefetch "
                    + "above 1, handler threads of one connection (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--prefetch", defaultValue = "1", paramLabel = "N",
            description = "mdp only: requests the worker takes from the broker at once (PX/1 worker credit); above 1 "
                    + "one connection takes them all and runs them on --concurrency threads "
                    + "(default: ${DEFAULT-VALUE}).")
    private int prefetch;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Heartbeat interval; use the broker's or queue's (default: 2500ms for mdp, 1s for ppp; "
                    + "simple workers do not heartbeat).")
    private Duration heartbeat;

    @Option(names = "--liveness", defaultValue = "3", paramLabel = "N",
            description = "Heartbeats the broker or queue may miss before the worker reconnects "
                    + "(default: ${DEFAULT-VALUE}).")
    private int liveness;

    @Mixin
    private CurveClientOptions curve;

    @Override
    public Integer call() {
        checkService();
        EndpointOption.checkAll(this.spec.commandLine(), "--connect", this.endpoints);
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        ClientSecurity security = this.curve.security(this.spec.commandLine());
        Running worker;
        try {
            worker = start(security);
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, err);
        }
        try (ShutdownSignal signal = new ShutdownSignal("pirate-worker-shutdown", worker.stop())) {
            out.println("worker ready");
            out.flush();
            // A worker reconnects for as long as it runs, so only a signal or a failure ends it.
            if (signal.await(() -> worker.failure().get() == null)) {
                return ExitCodes.OK;
            }
            err.println("Worker for " + String.join(",", this.endpoints) + " stopped: " + worker.failure().get() + "; see the log");
            err.flush();
            return ExitCodes.FAILURE;
        }
        finally {
            worker.stop().run();
        }
    }

    private void checkService() {
        if (this.protocol == Protocol.MDP && this.service == null) {
            throw new ParameterException(this.spec.commandLine(),
                    "Missing required option: '--service=NAME' (needed with --protocol mdp)");
        }
        if (this.protocol != Protocol.MDP && this.prefetch != 1) {
            throw new ParameterException(this.spec.commandLine(),
                    "--prefetch applies to --protocol mdp only: worker credit is a Majordomo (PX/1) extension");
        }
        if (this.protocol != Protocol.MDP && this.endpoints.size() > 1) {
            throw new ParameterException(this.spec.commandLine(),
                    "Several --connect endpoints apply to --protocol mdp only: a Pirate queue is one process");
        }
        if (this.protocol != Protocol.MDP && this.service != null) {
            throw new ParameterException(this.spec.commandLine(),
                    "--service applies to --protocol mdp only: a Pirate queue does not route by service");
        }
    }

    /** Starts the workers and returns how to stop them (stopping twice is harmless) and what killed them. */
    private Running start(ClientSecurity security) {
        return switch (this.protocol) {
            case MDP -> {
                MajordomoWorker worker = MajordomoWorker.builder(this.endpoints.get(0), this.service,
                        WorkerCommand::echo)
                    .endpoints(this.endpoints)
                    .concurrency(this.concurrency)
                    .prefetch(this.prefetch)
                    .heartbeatInterval(heartbeatOr(MDP_HEARTBEAT))
                    .liveness(this.liveness)
                    .shutdownGracePeriod(GRACE_PERIOD)
                    .security(security)
                    .build();
                worker.start();
                yield new Running(worker::close, worker::failure);
            }
            case SIMPLE -> start(QueueWorker.simple(this.endpoints.get(0), WorkerCommand::echo).security(security));
            case PPP -> start(QueueWorker.paranoid(this.endpoints.get(0), WorkerCommand::echo)
                .heartbeatInterval(heartbeatOr(PPP_HEARTBEAT))
                .liveness(this.liveness)
                .security(security));
        };
    }

    private Running start(QueueWorker.Builder builder) {
        QueueWorker worker = builder.concurrency(this.concurrency).shutdownGracePeriod(GRACE_PERIOD).build();
        worker.start();
        return new Running(worker::close, worker::failure);
    }

    private Duration heartbeatOr(Duration protocolDefault) {
        return (this.heartbeat != null) ? this.heartbeat : protocolDefault;
    }

    private static List<byte[]> echo(List<byte[]> body) {
        return body;
    }

    /**
     * Started workers of either kind.
     * @param stop stops them
     * @param failure what stopped them on its own, or {@code null}
     */
    private record Running(Runnable stop, Supplier<Throwable> failure) {
    }

    /** The protocols a worker speaks, as named on the command line. */
    enum Protocol {

        /** Majordomo (MDP/0.1) to a broker. */
        MDP,

        /** Simple Pirate to a {@code pirate queue --mode simple}. */
        SIMPLE,

        /** Paranoid Pirate (RFC 6) to a {@code pirate queue --mode paranoid}. */
        PPP
    }
}
