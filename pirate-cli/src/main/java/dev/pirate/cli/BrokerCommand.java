package dev.pirate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.security.ServerSecurity;
import dev.pirate.security.ServiceRules;

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

    @Option(names = "--max-frames", defaultValue = "1024", paramLabel = "N",
            description = "Most frames in one message (default: ${DEFAULT-VALUE}).")
    private int maxFrames;

    @Option(names = "--max-queued-requests", defaultValue = "10000", paramLabel = "N",
            description = "Most requests waiting for a worker, per service; more are refused (default: ${DEFAULT-VALUE}).")
    private int maxQueuedRequests;

    @Option(names = "--max-queued-bytes", paramLabel = "BYTES",
            description = "Most bytes of requests and undelivered replies held; more are refused "
                    + "(default: a quarter of the heap, 16 MiB to 256 MiB).")
    private Long maxQueuedBytes;

    @Option(names = "--max-inbound-bytes", paramLabel = "BYTES",
            description = "Most bytes of incoming messages ZeroMQ may hold before the broker reads them "
                    + "(default: an eighth of the heap, 8 MiB to 128 MiB).")
    private Long maxInboundBytes;

    @Option(names = "--max-client-requests", defaultValue = "10000", paramLabel = "N",
            description = "Most requests one client connection may have in the broker (default: ${DEFAULT-VALUE}).")
    private int maxClientRequests;

    @Option(names = "--max-services", defaultValue = "10000", paramLabel = "N",
            description = "Most service names the broker knows at once (default: ${DEFAULT-VALUE}).")
    private int maxServices;

    @Option(names = "--max-worker-credit", defaultValue = "1000", paramLabel = "N",
            description = "Most requests one worker connection is given at once, whatever credit it offers "
                    + "(PX/1 worker credit; default: ${DEFAULT-VALUE}).")
    private int maxWorkerCredit;

    @Option(names = "--max-redeliveries", defaultValue = "2", paramLabel = "N",
            description = "Times a request is queued again after its worker died, before it is dropped as poison "
                    + "(default: ${DEFAULT-VALUE}).")
    private int maxRedeliveries;

    @Option(names = "--unknown-service-grace", defaultValue = "1s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a service may have no worker before Pirate clients are told it is unknown "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration unknownServiceGrace;

    @Option(names = "--worker-return-time", defaultValue = "40s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long after its start the broker calls no service unknown, while restarted workers "
                    + "come back (default: ${DEFAULT-VALUE}).")
    private Duration workerReturnTime;

    @Option(names = "--reply-retention", defaultValue = "5s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long the answer to a call whose client left is kept for its retry "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration replyRetention;

    @Mixin
    private CurveServerOptions curve;

    @Option(names = "--allow-workers", paramLabel = "SERVICE=KEYS", mapFallbackValue = "",
            description = "Keys (comma-separated, or *) that may register as workers of SERVICE, or of every "
                    + "service without a rule of its own if SERVICE is *; repeatable. Needs --certificate. With any "
                    + "rule, a service or side no rule names is closed.")
    private Map<String, String> allowWorkers = new LinkedHashMap<>();

    @Option(names = "--allow-clients", paramLabel = "SERVICE=KEYS", mapFallbackValue = "",
            description = "Keys (comma-separated, or *) that may call SERVICE (* for every service without a rule); "
                    + "repeatable. Needs --certificate.")
    private Map<String, String> allowClients = new LinkedHashMap<>();

    @Option(names = "--io-threads", defaultValue = "1", paramLabel = "N",
            description = "ZeroMQ I/O threads of the broker's context (default: ${DEFAULT-VALUE}).")
    private int ioThreads;

    @Override
    public Integer call() {
        PrintWriter out = this.spec.commandLine().getOut();
        PrintWriter err = this.spec.commandLine().getErr();
        EndpointOption.check(this.spec.commandLine(), "--bind", this.endpoint);
        MajordomoBroker broker;
        ServerSecurity security = this.curve.security(this.spec.commandLine(), rules());
        try {
            MajordomoBroker.Builder builder = MajordomoBroker.builder()
                .bind(this.endpoint)
                .heartbeatInterval(this.heartbeat)
                .liveness(this.liveness)
                .maxMessageSize(this.maxMessageSize)
                .maxFrames(this.maxFrames)
                .maxQueuedRequests(this.maxQueuedRequests)
                .maxClientRequests(this.maxClientRequests)
                .maxServices(this.maxServices)
                .maxRedeliveries(this.maxRedeliveries)
                .maxWorkerCredit(this.maxWorkerCredit)
                .unknownServiceGrace(this.unknownServiceGrace)
                .replyRetention(this.replyRetention)
                .workerReturnTime(this.workerReturnTime)
                .requestExpiry(this.requestExpiry)
                .ioThreads(this.ioThreads)
                .security(security);
            if (this.maxQueuedBytes != null) {
                builder.maxQueuedBytes(this.maxQueuedBytes);
            }
            if (this.maxInboundBytes != null) {
                builder.maxInboundBytes(this.maxInboundBytes);
            }
            broker = builder.build();
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
            err.println("Broker on " + broker.endpoints().get(0) + " stopped unexpectedly: " + broker.failure());
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    private ServiceRules rules() {
        Set<String> services = new LinkedHashSet<>(this.allowWorkers.keySet());
        services.addAll(this.allowClients.keySet());
        ServiceRules.Builder rules = ServiceRules.builder();
        for (String service : services) {
            try {
                rules.service(service, keys(this.allowWorkers.get(service)), keys(this.allowClients.get(service)));
            }
            catch (IllegalArgumentException ex) {
                throw new ParameterException(this.spec.commandLine(), "--allow-workers/--allow-clients: "
                        + ex.getMessage());
            }
        }
        return rules.build();
    }

    private static List<String> keys(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter((key) -> !key.isEmpty()).toList();
    }
}
