package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The broker killed with SIGKILL under load and started again on the same port, as a supervisor
 * would; the callers retry (3 retries) and the workers must reconnect by themselves.
 */
final class BrokerRestart implements Scenario {

    private static final String SERVICE = "work";

    @Override
    public String name() {
        return "broker-restart";
    }

    @Override
    public void run(Fixture f) throws Exception {
        BrokerProcess broker = f.startBroker(Duration.ofMillis(500), List.of());
        f.startWorker("work-a", SERVICE, 2, "echo");
        f.startWorker("work-b", SERVICE, 2, "echo");
        f.trafficStarts();
        CallerLoad load = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "calls", SERVICE,
                f.options().scaled(2000), 4, Duration.ofMillis(5), 64);
        load.awaitSent(0.3, Duration.ofSeconds(60));
        long killed = System.nanoTime();
        broker.kill();
        broker.restart();
        f.faultEnded();
        f.note(String.format(Locale.ROOT, "broker killed after %d requests were sent, serving again on the same port "
                + "%.2f s later; RSS before is the first broker's, after the second's", load.sent(),
                (System.nanoTime() - killed) / 1e9));
        f.timeRecovery(SERVICE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(180));
        f.note("worker reconnects: %d", f.reconnects("work-"));
    }
}
