package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.pirate.client.MajordomoClient;

/**
 * {@link BrokerRestart} with two brokers and no restart: both workers register with both brokers,
 * the callers' client spreads its requests over both, and the second broker is killed with SIGKILL
 * under load and stays dead. The client's broker watch sees its connection to the dead broker
 * close, skips it and moves the attempts it held to the survivor; without the watch, those attempts
 * would time out and the broker failure policy (its default: 2 timed-out attempts in a row, 5 s
 * quarantine) would skip it.
 * <p>
 * The row's broker columns (RSS before and after, log lines, recovery, broker after) are the
 * surviving first broker's, never the dead one's; the note gives the dead one's RSS and log lines.
 */
final class SecondBrokerKill implements Scenario {

    private static final String SERVICE = "work";

    @Override
    public String name() {
        return "second-broker-kill";
    }

    @Override
    public void run(Fixture f) throws Exception {
        BrokerProcess survivor = f.startBroker(Duration.ofMillis(500), List.of());
        BrokerProcess victim = f.startAnotherBroker();
        List<BrokerProcess> both = List.of(survivor, victim);
        f.startWorker("work-a", both, SERVICE, 2, "echo");
        f.startWorker("work-b", both, SERVICE, 2, "echo");
        f.trafficStarts();
        long victimRss = victim.rssBytes();
        long victimLogMark = victim.log().size();
        MajordomoClient client = f.client(both, Duration.ofMillis(2500), 3);
        CallerLoad load = new CallerLoad(client, f.ledger(), "calls", SERVICE, f.options().scaled(2000), 4,
                Duration.ofMillis(5), 64);
        load.awaitSent(0.3, Duration.ofSeconds(60));
        long killed = System.nanoTime();
        victim.kill();
        f.faultEnded();
        int sentAtKill = load.sent();
        f.timeRecovery(SERVICE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        // Observed after the recovery probe, so an upper bound of when the client began to skip it.
        String skipped = awaitSkipped(client, victim.endpoint(), killed, Duration.ofSeconds(20));
        load.awaitDone(Duration.ofSeconds(180));
        f.note(String.format(Locale.ROOT, "two brokers, each worker registered with both (2 connections each), one "
                + "client over both (timeout 2500 ms, 3 retries, default failure policy 2 timeouts / 5 s quarantine); "
                + "the second broker killed after %d requests were sent and not restarted; the client skipped it %s; "
                + "client failovers: %d; RSS before / after, log lines, recovery and broker after are the surviving "
                + "broker's (recovery probes it directly, and it never stopped serving); the killed broker had "
                + "%s MiB RSS at the start of the traffic and printed %d log lines", sentAtKill, skipped,
                client.failovers(), ResultTable.mib(victimRss), victim.log().linesFrom(victimLogMark, victim.log().size())));
        f.note("worker reconnects (every try to the dead broker counts): %d", f.reconnects("work-"));
    }

    /** Waits until the client skips the dead broker; tells how long after the kill, or that it did not. */
    private static String awaitSkipped(MajordomoClient client, String endpoint, long killedNanos, Duration deadline)
            throws InterruptedException {
        long end = killedNanos + deadline.toNanos();
        while (!client.isBrokerSkipped(endpoint) && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - killedNanos) / 1e9;
        return client.isBrokerSkipped(endpoint) ? String.format(Locale.ROOT, "%.2f s after the kill", seconds)
                : String.format(Locale.ROOT, "not within %.0f s of the kill", seconds);
    }
}
