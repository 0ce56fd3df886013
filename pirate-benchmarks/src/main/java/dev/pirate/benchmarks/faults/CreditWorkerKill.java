package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link WorkerKill} with worker credit: each worker is one connection holding up to 16 requests,
 * 4 of them running. The killed one held requests it had not started as well as running ones; the
 * broker gives every one of them to the survivor when it notices the silence.
 */
final class CreditWorkerKill implements Scenario {

    private static final String SERVICE = "slow";

    private static final int HANDLERS = 4;

    private static final int PREFETCH = 16;

    @Override
    public String name() {
        return "credit-worker-kill";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(500), List.of());
        WorkerProcess victim = f.startCreditWorker("credit-a", SERVICE, HANDLERS, PREFETCH, "slow", "100");
        f.startCreditWorker("credit-b", SERVICE, HANDLERS, PREFETCH, "slow", "100");
        f.trafficStarts();
        CallerLoad load = new CallerLoad(f.client(Duration.ofSeconds(5), 3), f.ledger(), "calls", SERVICE,
                f.options().scaled(2000), 32, Duration.ofMillis(2), 64);
        load.awaitSent(0.3, Duration.ofSeconds(60));
        victim.kill();
        f.faultEnded();
        Map<Long, Integer> byVictim = new HashMap<>();
        victim.addExecutions(byVictim, f.ledger()::issued);
        f.note("credit-a (1 connection, credit %d, %d handler threads, 100 ms handler) killed after %d requests were "
                + "sent; it had started %d", PREFETCH, HANDLERS, load.sent(), byVictim.size());
        f.timeRecovery(SERVICE, Duration.ofSeconds(3), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(180));
    }
}
