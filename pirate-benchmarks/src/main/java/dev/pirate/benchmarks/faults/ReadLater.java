package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A client that sends 100,000 requests of 1 KiB before reading any reply: the replies pile up towards
 * it, past every high-water mark. Every request must be answered or refused, none silently lost.
 */
final class ReadLater implements Scenario {

    private static final String SERVICE = "work";

    private static final Duration SEND_DEADLINE = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "read-later";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(2500), List.of());
        f.startWorker("work-a", SERVICE, 2, "echo");
        f.startWorker("work-b", SERVICE, 2, "echo");
        f.trafficStarts();
        int count = f.options().scaled(100_000);
        long start = System.nanoTime();
        try (RawPirateClient raw = f.rawClient("read-later")) {
            int sent = 0;
            for (int i = 0; i < count && System.nanoTime() - start < SEND_DEADLINE.toNanos(); i++) {
                if (!raw.request(SERVICE, 1024)) {
                    break;
                }
                sent++;
            }
            f.faultEnded();
            f.note(String.format(Locale.ROOT, "%,d requests sent in %.1f s before reading", sent,
                    (System.nanoTime() - start) / 1e9));
            f.timeRecovery(SERVICE, Duration.ofSeconds(2), Duration.ofSeconds(60));
            long expected = sent;
            long reading = System.nanoTime();
            raw.drain(Duration.ofSeconds(15), Duration.ofSeconds(180), () -> raw.received() >= expected);
            f.note(String.format(Locale.ROOT, "%,d replies read in %.1f s", raw.received(),
                    (System.nanoTime() - reading) / 1e9));
        }
    }
}
