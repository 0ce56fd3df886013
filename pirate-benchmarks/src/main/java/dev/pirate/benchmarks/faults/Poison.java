package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pirate.client.MajordomoClient;

/**
 * A request that kills every worker that takes it, sent while other requests flow to the same
 * service; the suite restarts dead workers as a supervisor would. The hoped-for outcome: the poison
 * request is eventually refused, the others answered.
 */
final class Poison implements Scenario {

    private static final String SERVICE = "fragile";

    private static final int WORKERS = 2;

    /** Restarts allowed in all, so a broker that hands out the poison forever cannot loop the suite. */
    private static final int MAX_RESTARTS = 40;

    private static final long SUPERVISOR_POLL_MILLIS = 100;

    @Override
    public String name() {
        return "poison";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(500), List.of());
        AtomicInteger started = new AtomicInteger();
        List<WorkerProcess> slots = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            slots.add(f.startWorker("fragile-" + started.incrementAndGet(), SERVICE, 1, "poison"));
        }
        Thread supervisor = new Thread(() -> supervise(f, slots, started), "fault-supervisor");
        supervisor.setDaemon(true);
        f.trafficStarts();
        supervisor.start();
        CallerLoad load = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "normal", SERVICE,
                f.options().scaled(400), 2, Duration.ofMillis(25), 64);
        MajordomoClient poisoner = f.client(Duration.ofMillis(2500), 3);
        int poisons = f.options().quick() ? 1 : 3;
        for (int i = 0; i < poisons; i++) {
            long id = f.ledger().issue("poison");
            Calls.call(poisoner, f.ledger(), "poison", SERVICE, Bodies.poison(id), id);
        }
        f.faultEnded();
        f.timeRecovery(SERVICE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(180));
        supervisor.interrupt();
        supervisor.join(30_000);
        f.note("%d poison request(s) sent one after the other, each with 3 retries; worker processes started: %d "
                + "(%d restarts after deaths)", poisons, started.get(), started.get() - WORKERS);
    }

    /** Starts a replacement worker; one that dies before it registers is replaced on the next poll. */
    private static WorkerProcess restart(Fixture f, AtomicInteger started) throws IOException, InterruptedException {
        try {
            return f.startWorker("fragile-" + started.incrementAndGet(), SERVICE, 1, "poison");
        }
        catch (IllegalStateException ex) {
            return f.lastWorker();
        }
    }

    /** Replaces dead workers, one at a time, until interrupted or out of restarts. */
    private static void supervise(Fixture f, List<WorkerProcess> slots, AtomicInteger started) {
        try {
            while (!Thread.currentThread().isInterrupted() && started.get() - WORKERS < MAX_RESTARTS) {
                for (int i = 0; i < slots.size(); i++) {
                    if (!slots.get(i).alive()) {
                        slots.set(i, restart(f, started));
                    }
                }
                Thread.sleep(SUPERVISOR_POLL_MILLIS);
            }
            if (started.get() - WORKERS >= MAX_RESTARTS) {
                f.note("the supervisor stopped restarting workers at its limit of " + MAX_RESTARTS + " restarts");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        }
        catch (IOException | RuntimeException ex) {
            f.note("supervisor stopped: " + ex);
        }
    }
}
