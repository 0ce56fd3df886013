package dev.pirate.benchmarks.faults;

import java.time.Duration;
import java.util.List;
import dev.pirate.protocol.PirateExtension;

/**
 * Requests just under the broker's message size limit to workers that reply 16 bytes more, so every
 * reply is over the limit, while other clients call an echo service. The broker must not answer the
 * big replies by disconnecting the honest workers in a storm, and the other clients must be served.
 */
final class ReplyOverLimit implements Scenario {

    /** The broker's default {@code --max-message-size}, all frames of a message together. */
    private static final int LIMIT = 1024 * 1024;

    /** Empty, "MDPC01", "grow", the extension frame: what a request adds to its body. */
    private static final int ENVELOPE = 6 + 4 + PirateExtension.PX_FRAME.length;

    @Override
    public String name() {
        return "reply-over-limit";
    }

    @Override
    public void run(Fixture f) throws Exception {
        f.startBroker(Duration.ofMillis(2500), List.of());
        f.startWorker("grow-a", "grow", 1, "grow", "16");
        f.startWorker("grow-b", "grow", 1, "grow", "16");
        f.startWorker("work-a", "work", 2, "echo");
        f.trafficStarts();
        int echoes = f.options().scaled(1000);
        CallerLoad first = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "echo", "work", echoes, 4,
                Duration.ofMillis(5), 1024);
        CallerLoad second = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "echo", "work", echoes, 4,
                Duration.ofMillis(5), 1024);
        int big = f.options().scaled(50);
        // 8 bytes under the limit with the envelope (and 5 of a routing id); the reply adds 16 and the
        // worker's envelope, so it is over the limit whatever the broker does with the extension frame.
        int bodySize = LIMIT - ENVELOPE - 8;
        try (RawPirateClient raw = f.rawClient("over-limit")) {
            for (int i = 0; i < big; i++) {
                raw.request("grow", bodySize);
                raw.drainNow();
                Thread.sleep(100);
            }
            f.faultEnded();
            // A small request to the same workers: its reply is within the limit.
            f.timeRecovery("grow", Duration.ofSeconds(2), Duration.ofSeconds(30));
            raw.drain(Duration.ofSeconds(10), Duration.ofSeconds(40), () -> raw.received() >= big);
        }
        first.awaitDone(Duration.ofSeconds(120));
        second.awaitDone(Duration.ofSeconds(120));
        f.note("%d requests of %,d body bytes to grow-16 workers; reconnects: grow workers %d, echo worker %d",
                big, bodySize, f.reconnects("grow-"), f.reconnects("work-"));
    }
}
