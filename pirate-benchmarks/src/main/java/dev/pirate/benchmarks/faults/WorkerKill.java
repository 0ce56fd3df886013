package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker killed with SIGKILL while it holds requests; a second worker of the same service takes
 * over. Requests the dead worker held come back only through the client's retries.
 */
final class WorkerKill implements Scenario {

    private static final String SERVICE = "slow";

    @Override
    public String name() {
        return "worker-kill";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(500), List.of());
        WorkerProcess victim = f.startWorker("slow-a", SERVICE, 4, "slow", "500");
        f.startWorker("slow-b", SERVICE, 4, "slow", "500");
        f.trafficStarts();
        CallerLoad load = new CallerLoad(f.client(Duration.ofSeconds(5), 3), f.ledger(), "calls", SERVICE,
                f.options().scaled(400), 8, Duration.ofMillis(10), 64);
        load.awaitSent(0.3, Duration.ofSeconds(60));
        victim.kill();
        f.faultEnded();
        Map<Long, Integer> byVictim = new HashMap<>();
        victim.addExecutions(byVictim, f.ledger()::issued);
        f.note("slow-a (4 connections, 500 ms handler) killed after %d requests were sent; it had started %d",
                load.sent(), byVictim.size());
        f.timeRecovery(SERVICE, Duration.ofSeconds(3), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(180));
    }
}
