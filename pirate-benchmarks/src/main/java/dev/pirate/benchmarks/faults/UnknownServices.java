package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Requests for 100,000 distinct services nobody serves, from one raw client: each name may cost the
 * broker a service entry and a queued request. Then: does it still serve echo, and what RSS is left.
 */
final class UnknownServices implements Scenario {

    /** The broker's default request expiry (30 s), plus time for a refusal to travel. */
    private static final Duration REPLY_DEADLINE = Duration.ofSeconds(35);

    private static final Duration SEND_DEADLINE = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "unknown-services";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(2500), List.of());
        f.trafficStarts();
        int count = f.options().scaled(100_000);
        long start = System.nanoTime();
        try (RawPirateClient raw = f.rawClient("unknown")) {
            int sent = 0;
            for (int i = 0; i < count && System.nanoTime() - start < SEND_DEADLINE.toNanos(); i++) {
                if (!raw.request("unknown-" + i, 32)) {
                    break;
                }
                sent++;
                if (i % 1000 == 0) {
                    raw.drainNow();
                }
            }
            f.faultEnded();
            f.note(String.format(Locale.ROOT, "%,d requests sent in %.1f s", sent, (System.nanoTime() - start) / 1e9));
            f.timeRecovery(Fixture.ECHO, Duration.ofSeconds(2), Duration.ofSeconds(60));
            long expected = sent;
            raw.drain(REPLY_DEADLINE, REPLY_DEADLINE, () -> raw.received() >= expected);
        }
    }
}
