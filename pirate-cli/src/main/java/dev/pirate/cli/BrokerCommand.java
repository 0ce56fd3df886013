package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.broker.MajordomoBroker;

/**
 * {@code pirate broker}: runs a Majordomo broker until SIGINT or SIGTERM. Once bound it prints
 * {@code broker listening on ENDPOINT} with the port resolved, so scripts can wait for that line.
 */
@Command(name = "broker", description = "Runs a Majordomo (MDP/0.1) broker until SIGINT or SIGTERM.")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bind", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint to bind, e.g. tcp://*:5555; tcp://127.0.0.1:* picks a free port.")
    private String endpoint;

    @Option(names = "--heartbeat", defaultValue = "2500ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Heartbeat interval towards workers (default: ${DEFAULT-VALUE}).")
    private Duration heartbeat;

    @Option(names = "--liveness", defaultValue = "3", paramLabel = "N",
            description = "Heartbeats a worker may miss before it is forgotten (default: ${DEFAULT-VALUE}).")
    private int liveness;

    @Option(names = "--max-message-size", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest message accepted, all frames together (default: ${DEFAULT-VALUE}).")
    private int maxMessageSize;

    @Option(names = "--request-expiry", defaultValue = "30s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a request may wait for a worker (default: ${DEFAULT-VALUE}).")
    private Duration requestExpiry;

    @Option(names = "--io-threads", defaultValue = "1", paramLabel = "N",
            description = "ZeroMQ I/O threads of the broker's context (default: ${DEFAULT-VALUE}).")
    private int ioThreads;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        MajordomoBroker broker;
        try {
            broker = MajordomoBroker.builder()
                .bind(this.endpoint)
                .heartbeatInterval(this.heartbeat)
                .liveness(this.liveness)
                .maxMessageSize(this.maxMessageSize)
                .requestExpiry(this.requestExpiry)
                .ioThreads(this.ioThreads)
                .build();
            broker.start();
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, err);
        }
        try (broker; ShutdownSignal signal = new ShutdownSignal("pirate-broker-shutdown", broker::close)) {
            out.println("broker listening on " + broker.endpoints().get(0));
            out.flush();
            if (signal.await(broker::isRunning)) {
                return ExitCodes.OK;
            }
            err.println("Broker on " + broker.endpoints().get(0) + " stopped unexpectedly; see the log");
            err.flush();
            return ExitCodes.FAILURE;
        }
    }
}
