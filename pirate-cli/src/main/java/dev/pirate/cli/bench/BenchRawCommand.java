package dev.pirate.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.cli.ExitCodes;

/**
 * {@code pirate bench-raw}: measures plain JeroMQ, with no broker and no Pirate code on the path,
 * in one process: an echo thread and the load generator over loopback TCP. Its figures are the
 * ceilings {@code bench/compare.sh} divides the brokered ones by. Same options and output as
 * {@code pirate bench}.
 */
@Command(name = "bench-raw", description = "Measures plain JeroMQ in one process (an echo thread and a load "
        + "generator over loopback TCP): the ceiling for pirate bench.")
public final class BenchRawCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--pattern", required = true, paramLabel = "PATTERN",
            description = "dealer (one DEALER pipelining C requests to a ROUTER echo), req (C REQ sockets, "
                    + "one synchronous round trip each, to a REP echo) or proxy (as req, through a plain "
                    + "ROUTER/DEALER forwarder: four hops, like a brokered request).")
    private RawPattern pattern;

    @Mixin
    private LoadOptions load;

    @Override
    public Integer call() {
        LoadPlan plan = this.load.plan(this.spec, null);
        Payload payload = new Payload(plan.size());
        SocketType echoType = (this.pattern == RawPattern.DEALER) ? SocketType.ROUTER : SocketType.REP;
        try (EchoServer echo = EchoServer.start(echoType);
                RawProxy proxy = (this.pattern == RawPattern.PROXY) ? RawProxy.start(echo.endpoint()) : null;
                ZContext context = new ZContext(1);
                LoadDriver driver = driver(context, (proxy != null) ? proxy.endpoint() : echo.endpoint(), payload,
                        plan)) {
            String target = "raw " + this.pattern.name() + " to " + echoType + " echo at " + echo.endpoint()
                    + ((proxy != null) ? " through a ROUTER/DEALER forwarder at " + proxy.endpoint() : "");
            return new BenchRun(plan, this.spec.commandLine().getOut(), this.spec.commandLine().getErr())
                .execute(target, driver);
        }
        catch (RuntimeException ex) {
            return ExitCodes.report(ex, this.spec.commandLine().getErr());
        }
    }

    private LoadDriver driver(ZContext context, String endpoint, Payload payload, LoadPlan plan) {
        if (this.pattern == RawPattern.DEALER) {
            return new PipelineDriver(context, endpoint, payload, plan.concurrency(), plan.timeout());
        }
        List<RoundTrip> roundTrips = new ArrayList<>();
        for (int i = 0; i < plan.concurrency(); i++) {
            roundTrips.add(new ReqRoundTrip(context, endpoint, payload, plan.timeout()));
        }
        return new ThreadsDriver(roundTrips);
    }
}
