package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.Resources;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.QueueWorker;
import dev.pirate.worker.RequestHandler;

/**
 * The experiments of the ZeroMQ Guide, chapter 4: servers and workers that crash and overload, and
 * sequence-numbered clients that must see every reply once, in order.
 */
@Timeout(180)
class GuideExperimentsTest {

    private static final int REQUESTS = 2000;

    @RegisterExtension
    final Resources resources = new Resources();

    @BeforeAll
    static void installPython() {
        PythonPeer.ensureInstalled();
    }


    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    @Test
    void lazyPirateClientRecoversWhileTheServerRestartsAndGivesUpWhenItDoesNot() {
        String endpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        PythonPeer first = PythonPeer.startReady("lpserver.py", "--bind", endpoint, "--crash-after", "3");
        DirectClient client = track(DirectClient.builder(endpoint).timeout(Duration.ofMillis(500)).retries(20).build());
        for (int seq = 1; seq <= 3; seq++) {
            assertThat(text(client.request(bytes(String.valueOf(seq))))).isEqualTo(String.valueOf(seq));
        }
        CompletableFuture<byte[]> fourth = CompletableFuture.supplyAsync(() -> client.request(bytes("4")));
        first.awaitExit(Duration.ofSeconds(10));
        track(PythonPeer.startReady("lpserver.py", "--bind", endpoint, "--crash-after", "1"));
        assertThat(text(fourth.join())).as("recovered after the restart").isEqualTo("4");

        // The restarted server crashes on the next request and nobody restarts it.
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.request(List.of(bytes("5")), new CallOptions(Duration.ofMillis(200), 2)))
            .isInstanceOfSatisfying(PirateTimeoutException.class,
                    (ex) -> assertThat(ex.attempts()).isEqualTo(3));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void simplePirateLosesAndDuplicatesNothingWhileWorkersCrashAndOverload() {
        runChaos(QueueMode.SIMPLE, "spworker.py");
    }

    @Test
    void paranoidPirateLosesAndDuplicatesNothingWhileWorkersCrashAndOverload() {
        runChaos(QueueMode.PARANOID, "ppworker.py");
    }

    /**
     * Two of our workers that overload at random and a Python worker that crashes after a random
     * number of requests and is restarted each time, behind our queue; one sequence-numbered client.
     */
    private void runChaos(QueueMode mode, String pythonWorker) {
        PirateQueue queue = track(PirateQueue.builder(mode, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofMillis(200)).build());
        queue.start();
        Random random = new Random(42);
        RequestHandler overloading = (body) -> {
            if (random.nextInt(200) == 0) {
                // Simulated CPU overload, longer than the client's timeout.
                Thread.sleep(400);
            }
            return body;
        };
        QueueWorker.Builder ours = (mode == QueueMode.SIMPLE)
                ? QueueWorker.simple(queue.backendEndpoint(), overloading)
                : QueueWorker.paranoid(queue.backendEndpoint(), overloading).heartbeatInterval(Duration.ofMillis(200));
        track(ours.concurrency(2).build()).start();

        RecordingListener events = new RecordingListener();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger crashes = new AtomicInteger();
        Thread supervisor = new Thread(() -> {
            while (!done.get()) {
                List<String> args = new ArrayList<>(List.of("--connect", queue.backendEndpoint(), "--crash-after",
                        String.valueOf(20 + random.nextInt(200))));
                if (mode == QueueMode.PARANOID) {
                    args.addAll(List.of("--heartbeat-ms", "200"));
                }
                try (PythonPeer worker = PythonPeer.start(pythonWorker, args.toArray(String[]::new))) {
                    while (!done.get() && !worker.hasExited()) {
                        worker.awaitExitOrTimeout(Duration.ofMillis(200));
                    }
                    if (worker.hasExited()) {
                        crashes.incrementAndGet();
                    }
                }
            }
        }, "chaos-supervisor");
        supervisor.start();
        try {
            DirectClient client = track(DirectClient.builder(queue.frontendEndpoint()).timeout(Duration.ofMillis(250))
                .retries(20).listener(events).build());
            for (int seq = 1; seq <= REQUESTS; seq++) {
                String body = String.valueOf(seq);
                assertThat(text(client.request(bytes(body)))).isEqualTo(body);
            }
        }
        finally {
            done.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> !supervisor.isAlive());
        }
        assertThat(crashes.get()).as("the Python worker crashed and was restarted").isGreaterThanOrEqualTo(3);
        System.out.printf("%s Pirate chaos: %d requests in order, 0 lost, 0 duplicated; %d worker crashes, %d retries%n",
                mode, REQUESTS, crashes.get(), events.count("clientRetry:" + queue.frontendEndpoint()));
    }

    @Test
    void paranoidPirateWorkersComeBackAfterTheQueueIsKilledAndRestarted() {
        PirateQueue first = PirateQueue.builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofMillis(100)).build();
        first.start();
        String frontend = first.frontendEndpoint();
        String backend = first.backendEndpoint();
        QueueWorker worker = track(QueueWorker.paranoid(backend, (body) -> body)
            .heartbeatInterval(Duration.ofMillis(100)).reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(800))
            .build());
        worker.start();
        DirectClient client = track(DirectClient.builder(frontend).timeout(Duration.ofMillis(500)).retries(20).build());
        assertThat(text(client.request(bytes("before")))).isEqualTo("before");

        first.close();
        PirateQueue second = track(PirateQueue.builder(QueueMode.PARANOID, frontend, backend)
            .heartbeatInterval(Duration.ofMillis(100)).build());
        second.start();
        // Liveness (3 x 100 ms) plus a back-off of at most 800 ms: well within the client's budget.
        assertThat(text(client.request(bytes("after")))).isEqualTo("after");
        await().atMost(Duration.ofSeconds(5)).until(() -> second.snapshot().readyWorkers() == 1);
    }
}
