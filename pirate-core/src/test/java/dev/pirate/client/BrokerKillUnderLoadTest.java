package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pirate.testing.BrokerChild;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;

/**
 * Three brokers, each in a JVM of its own, and an asynchronous client under load while one broker
 * is killed with SIGKILL and later started again on the same port: no call fails, every reply is
 * the right one, and the workers register with the restarted broker within their back-off.
 */
@Timeout(300)
class BrokerKillUnderLoadTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(250);

    private static final int CALLS = 6000;

    private static final int IN_FLIGHT = 200;

    private static final int CONCURRENCY = 4;

    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void aBrokerKilledUnderLoadAndRestartedCostsNoCall() throws Exception {
        List<BrokerChild> brokers = List.of(child(), child(), child());
        List<String> endpoints = brokers.stream().map(BrokerChild::endpoint).toList();
        MajordomoWorker worker = MajordomoWorker.builder(endpoints.get(0), "echo", (body) -> body)
            .endpoints(endpoints)
            .concurrency(CONCURRENCY)
            .heartbeatInterval(HEARTBEAT)
            .reconnectDelay(Duration.ofMillis(100), MAX_RECONNECT_DELAY)
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.registeredCount() == 3 * CONCURRENCY);
        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            // Generous for a loaded machine: a call fails only if six attempts in a row get no reply.
            .timeout(Duration.ofSeconds(2))
            .retries(5)
            .brokerFailurePolicy(2, Duration.ofSeconds(1))
            .build());

        BrokerChild victim = brokers.get(1);
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long restartedAt = 0;
        for (int i = 0; i < CALLS; i++) {
            if (i == CALLS / 4) {
                victim.kill();
            }
            if (i == CALLS * 3 / 5) {
                // Down long enough for the client to have seen it fail and to skip it.
                await().atMost(Duration.ofSeconds(60)).until(() -> client.isBrokerSkipped(victim.endpoint()));
                victim.restart();
                restartedAt = System.nanoTime();
            }
            if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new AssertionError("No reply for 60 s; " + completed.get() + " completed");
            }
            String body = "call-" + i;
            client.requestAsync("echo", List.of(bytes(body))).whenComplete((reply, error) -> {
                if (error != null) {
                    failures.add(error);
                }
                else if (!text(reply.get(0)).equals(body)) {
                    wrong.incrementAndGet();
                }
                completed.incrementAndGet();
                window.release();
            });
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> completed.get() == CALLS);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long restarted = restartedAt;
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount(victim.endpoint()) == CONCURRENCY);
        long registeredAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);

        System.out.printf("Broker kill under load: %d calls over 3 brokers, %d failed, %d wrong replies, %d attempts "
                + "sent to another broker, %d ms; workers registered with the restarted broker %d ms after it "
                + "started (or earlier)%n", CALLS, failures.size(), wrong.get(), client.failovers(), elapsedMillis,
                registeredAfterMillis);
        assertThat(failures).as("failed calls").isEmpty();
        assertThat(wrong.get()).as("wrong replies").isZero();
        assertThat(client.failovers()).as("attempts that needed another broker").isPositive();
        // The restarted broker serves again: a client of its own gets its reply through it.
        try (MajordomoClient direct = MajordomoClient.builder(victim.endpoint()).timeout(Duration.ofSeconds(5))
            .build()) {
            assertThat(text(direct.request("echo", bytes("back")))).isEqualTo("back");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            client.request("echo", bytes("probe"));
            return !client.isBrokerSkipped(victim.endpoint());
        });
    }

    private BrokerChild child() {
        return this.resources.track(BrokerChild.start("tcp://127.0.0.1:" + PythonPeer.freePort(), HEARTBEAT));
    }
}
