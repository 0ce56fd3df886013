package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * An attempt to queue 1 GB of requests (1 MiB bodies) against a broker with default settings and a
 * 512 MiB heap, for a service whose only worker is stuck on a request of its own: the requests
 * queue (a service with no worker at all would be refused as unknown at once). Hoped for: refusals
 * once the broker's byte limit is reached, bounded RSS, still serving; the queued ones expire.
 */
final class QueueFlood implements Scenario {

    private static final int BODY = 1024 * 1024 - 1024;

    private static final Duration REPLY_DEADLINE = Duration.ofSeconds(50);

    private static final Duration SEND_DEADLINE = Duration.ofSeconds(180);

    @Override
    public String name() {
        return "queue-flood";
    }

    @Override
    public void run(Fixture f) throws Exception {
        BrokerProcess broker = f.startBroker(Duration.ofMillis(2500), List.of("-Xmx512m"));
        // One connection, busy for 40 s with the first request: every later one waits in the queue and
        // expires (30 s) before the worker is free again.
        f.startWorker("stuck", "parked", 1, "slow", "40000");
        f.trafficStarts();
        int count = f.options().scaled(1000);
        long start = System.nanoTime();
        try (RawPirateClient raw = f.rawClient("flood", 4)) {
            int sent = 0;
            for (int i = 0; i < count && System.nanoTime() - start < SEND_DEADLINE.toNanos() && broker.alive(); i++) {
                if (!raw.request("parked", BODY)) {
                    break;
                }
                sent++;
                raw.drainNow();
            }
            f.faultEnded();
            f.note(String.format(Locale.ROOT, "%,d of %,d requests of %,d bytes sent in %.1f s to a broker with -Xmx512m",
                    sent, count, BODY, (System.nanoTime() - start) / 1e9));
            f.timeRecovery(Fixture.ECHO, Duration.ofSeconds(2), Duration.ofSeconds(60));
            long expected = sent;
            raw.drain(REPLY_DEADLINE, REPLY_DEADLINE, () -> raw.received() >= expected);
        }
    }
}
