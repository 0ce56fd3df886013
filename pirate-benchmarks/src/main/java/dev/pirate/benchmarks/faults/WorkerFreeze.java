package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;

/**
 * A worker frozen with SIGSTOP for twice its liveness window, then thawed with SIGCONT: the broker
 * should forget it and serve from the other worker, and the thawed worker should find its way back.
 */
final class WorkerFreeze implements Scenario {

    private static final String SERVICE = "work";

    private static final Duration HEARTBEAT = Duration.ofMillis(500);

    private static final int LIVENESS = 3;

    @Override
    public String name() {
        return "worker-freeze";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(HEARTBEAT, List.of(), "--liveness", Integer.toString(LIVENESS));
        WorkerProcess frozen = f.startWorker("work-a", SERVICE, 2, "slow", "100");
        f.startWorker("work-b", SERVICE, 2, "slow", "100");
        f.trafficStarts();
        CallerLoad load = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "calls", SERVICE,
                f.options().scaled(600), 4, Duration.ofMillis(20), 64);
        load.awaitSent(0.2, Duration.ofSeconds(60));
        Duration frozenFor = HEARTBEAT.multipliedBy(2L * LIVENESS);
        frozen.freeze();
        Thread.sleep(frozenFor.toMillis());
        frozen.thaw();
        f.faultEnded();
        f.timeRecovery(SERVICE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(180));
        f.note("work-a frozen %d ms (liveness %d x %d ms); reconnects after: work-a %d, work-b %d",
                frozenFor.toMillis(), LIVENESS, HEARTBEAT.toMillis(), f.reconnects("work-a"), f.reconnects("work-b"));
    }
}
