package dev.pirate.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import dev.pirate.cli.CurveClientOptions;
import dev.pirate.cli.ExitCodes;
import dev.pirate.cli.Requester;
import dev.pirate.cli.TargetOptions;
import dev.pirate.client.CallOptions;
import dev.pirate.client.MajordomoPipeline;
import dev.pirate.security.ClientSecurity;

/**
 * {@code pirate bench}: measures the throughput and latency of an echo service behind a Majordomo
 * broker, or of a REP server reached directly, through Pirate's own clients.
 * <p>
 * A progress line goes to stderr about once a second; stdout gets a short summary and, as its last
 * line, one JSON object with the figures. The exit code is 0 when every measured request succeeded.
 */
@Command(name = "bench", description = "Measures throughput and latency of an echo service through a broker, "
        + "or of a REP server with --direct.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private TargetOptions target;

    @Mixin
    private LoadOptions load;

    @Mixin
    private CurveClientOptions curve;

    @Option(names = "--rate", paramLabel = "R",
            description = "Send R requests per second in all, timing each from its intended start so a stalled "
                    + "target is not hidden (default: as fast as replies come back).")
    private Double rate;

    @Option(names = "--pipeline",
            description = "Keep the C requests in flight on one socket (the Guide's asynchronous Majordomo client, "
                    + "no retries) instead of C threads of Lazy Pirate calls; the same client shape as "
                    + "bench-raw --pattern dealer. Needs --connect and --size of at least 4.")
    private boolean pipeline;

    @Override
    public Integer call() {
        this.target.checkEndpoint(this.spec.commandLine());
        LoadPlan plan = this.load.plan(this.spec, this.rate);
        if (this.pipeline) {
            return pipelined(plan);
        }
        Payload payload = new Payload(plan.size());
        ClientSecurity security = this.curve.security(this.spec.commandLine());
        try (Requester requester = this.target.open(new CallOptions(plan.timeout(), 0), security);
                LoadDriver driver = driver(requester, payload, plan.concurrency())) {
            return new BenchRun(plan, this.spec.commandLine().getOut(), this.spec.commandLine().getErr())
                .execute(this.target.describe(), driver);
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }

    private int pipelined(LoadPlan plan) {
        if (this.target.brokerEndpoint() == null) {
            throw new ParameterException(this.spec.commandLine(), "--pipeline needs --connect and --service");
        }
        if (plan.size() < PipelinedMdpDriver.TAG_BYTES) {
            throw new ParameterException(this.spec.commandLine(), "--pipeline needs --size of at least "
                    + PipelinedMdpDriver.TAG_BYTES + " bytes: each body carries its slot number");
        }
        ClientSecurity security = this.curve.security(this.spec.commandLine());
        try (LoadDriver driver = new PipelinedMdpDriver(
                MajordomoPipeline.connect(this.target.brokerEndpoints(), plan.concurrency(), security),
                this.target.service(),
                plan.size(), plan.concurrency(), plan.timeout())) {
            return new BenchRun(plan, this.spec.commandLine().getOut(), this.spec.commandLine().getErr())
                .execute(this.target.describe() + ", pipelined", driver);
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }

    /**
     * C threads with synchronous requests, not the client's asynchronous API: measured on two cores
     * the threads did about twice the throughput at 1 and 10 in flight and the same at 100, because
     * each asynchronous request pays a wake-up of the client's I/O thread and a poller registration.
     */
    private static LoadDriver driver(Requester requester, Payload payload, int concurrency) {
        List<RoundTrip> roundTrips = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            roundTrips.add(() -> payload.checkEcho(requester.request(payload.frames())));
        }
        return new ThreadsDriver(roundTrips);
    }
}
