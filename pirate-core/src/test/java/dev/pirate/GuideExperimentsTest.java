package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.protocol.Ppp;
import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.RawPeer;
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

    private static final long CHAOS_SEED_BASE = Long.getLong("pirate.chaos.seed", 20240917L);

    private static final int CHAOS_CLIENTS = 2;

    private static final int CHAOS_REQUESTS_PER_CLIENT = 1000;

    private static final Duration CHAOS_HEARTBEAT = Duration.ofMillis(200);

    /** Generous, so that retries come from the chaos rather than from a busy machine. */
    private static final Duration CHAOS_CLIENT_TIMEOUT = Duration.ofMillis(1000);

    private static final Duration OVERLOAD = Duration.ofMillis(1500);

    private static final int OVERLOAD_ONE_IN = 100;

    private static final String SLOW = "-slow";

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

        // The restarted server crashes on the next request and nobody restarts it: the client gives
        // up after exactly its three attempts (1 + 2 retries) instead of hanging.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> client.request(List.of(bytes("5")), new CallOptions(Duration.ofMillis(200), 2)))
            .isInstanceOfSatisfying(PirateTimeoutException.class,
                    (ex) -> assertThat(ex.attempts()).isEqualTo(3)));
    }

    @Test
    void simplePirateAnswersEveryRequestOnceWhileWorkersAreKilledAndOverload() throws Exception {
        runChaos(QueueMode.SIMPLE);
    }

    @Test
    void paranoidPirateAnswersEveryRequestOnceWhileWorkersAreKilledAndOverload() throws Exception {
        runChaos(QueueMode.PARANOID);
    }

    /** The seed of the chaos thread with this index: 0 is the killed worker, 1.. are the clients. */
    private static long chaosSeed(int threadIndex) {
        return CHAOS_SEED_BASE * 1_000_003L + threadIndex;
    }

    /**
     * Two connections of our worker that overload now and then (longer than the client's timeout)
     * and a raw worker that is killed mid-request after a random number of replies and replaced
     * each time, behind our queue; concurrent clients whose every request carries a unique id.
     * Every execution of every id is counted, by our handler and by the raw worker alike, so lost
     * and duplicated work is measured, not assumed. A worker only overloads or dies on an id's
     * first execution, so every duplicate has a cause that is counted: an overload or a kill.
     * <p>
     * The random choices (which requests overload, when the raw worker dies) come from one
     * {@link Random} per thread seeded from {@code CHAOS_SEED_BASE} and the thread's index
     * (override with {@code -Dpirate.chaos.seed=...}); which worker gets which request still
     * depends on scheduling.
     */
    private void runChaos(QueueMode mode) throws Exception {
        PirateQueue queue = track(PirateQueue.builder(mode, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .heartbeatInterval(CHAOS_HEARTBEAT).build());
        queue.start();
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> replies = new ConcurrentHashMap<>();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        AtomicInteger overloads = new AtomicInteger();
        RequestHandler overloading = (body) -> {
            String id = text(body.get(0));
            int execution = executions.computeIfAbsent(id, (k) -> new AtomicInteger()).incrementAndGet();
            if (execution == 1 && id.endsWith(SLOW)) {
                overloads.incrementAndGet();
                // Simulated CPU overload, longer than the client's timeout.
                Thread.sleep(OVERLOAD.toMillis());
            }
            return body;
        };
        QueueWorker.Builder ours = (mode == QueueMode.SIMPLE)
                ? QueueWorker.simple(queue.backendEndpoint(), overloading)
                : QueueWorker.paranoid(queue.backendEndpoint(), overloading).heartbeatInterval(CHAOS_HEARTBEAT);
        track(ours.concurrency(2).build()).start();

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        Set<String> killedIds = ConcurrentHashMap.newKeySet();
        Thread killer = new Thread(() -> {
            Random random = new Random(chaosSeed(0));
            while (!done.get()) {
                int killAfter = 10 + random.nextInt(50);
                String killedOn = serveThenDie(mode, queue.backendEndpoint(), killAfter, executions, done);
                if (killedOn != null) {
                    killedIds.add(killedOn);
                    kills.incrementAndGet();
                }
            }
        }, "chaos-killed-worker");
        killer.start();

        RecordingListener events = new RecordingListener();
        ExecutorService clients = Executors.newFixedThreadPool(CHAOS_CLIENTS);
        List<String> sent = new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int index = 1; index <= CHAOS_CLIENTS; index++) {
                int clientIndex = index;
                runs.add(clients.submit(() -> {
                    Random random = new Random(chaosSeed(clientIndex));
                    try (DirectClient client = DirectClient.builder(queue.frontendEndpoint())
                        .timeout(CHAOS_CLIENT_TIMEOUT).retries(20).listener(events).build()) {
                        for (int seq = 1; seq <= CHAOS_REQUESTS_PER_CLIENT; seq++) {
                            String id = "c" + clientIndex + "-" + seq
                                    + ((random.nextInt(OVERLOAD_ONE_IN) == 0) ? SLOW : "");
                            sent.add(id);
                            String reply = text(client.request(bytes(id)));
                            replies.computeIfAbsent(reply, (k) -> new AtomicInteger()).incrementAndGet();
                            if (!reply.equals(id)) {
                                mismatches.add(id + " -> " + reply);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
        finally {
            clients.shutdownNow();
            done.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> !killer.isAlive());
        }

        long executedAgain = executions.values().stream().filter((count) -> count.get() > 1).count();
        long extraExecutions = executions.values().stream().mapToLong((count) -> count.get() - 1).sum();
        long retries = events.count("clientRetry:" + queue.frontendEndpoint());
        System.out.printf("%s Pirate chaos (seed base %d, killed worker seed %d, client seeds %d..%d): "
                + "%d requests, %d replies, %d mismatched, %d ids executed more than once (%d extra executions), "
                + "%d workers killed mid-request, %d overloads, %d client retries%n", mode, CHAOS_SEED_BASE,
                chaosSeed(0), chaosSeed(1), chaosSeed(CHAOS_CLIENTS), sent.size(),
                replies.values().stream().mapToInt(AtomicInteger::get).sum(), mismatches.size(), executedAgain,
                extraExecutions, kills.get(), overloads.get(), retries);

        assertThat(sent).hasSize(CHAOS_CLIENTS * CHAOS_REQUESTS_PER_CLIENT).doesNotHaveDuplicates();
        assertThat(mismatches).as("replies whose body is not the request's").isEmpty();
        assertThat(replies.keySet()).as("ids that got a reply").containsExactlyInAnyOrderElementsOf(sent);
        assertThat(replies).as("replies per id").allSatisfy((id, count) -> assertThat(count.get()).as(id).isEqualTo(1));
        assertThat(executions.keySet()).as("ids executed at least once").containsExactlyInAnyOrderElementsOf(sent);
        // A kill or an overload makes the client retry, and so does a request that a loaded machine
        // stalls past the client's timeout: the count of retries bounds the extra executions, not the
        // kills and overloads alone (a stalled retry of a killed request runs a third time).
        assertThat(executions).as("executions per id, at least once")
            .allSatisfy((id, count) -> assertThat(count.get()).as(id).isPositive());
        assertThat(killedIds).as("an id whose worker was killed ran again elsewhere")
            .allSatisfy((id) -> assertThat(executions.get(id).get()).as(id).isGreaterThanOrEqualTo(2));
        assertThat(extraExecutions).as("every extra execution needed a client retry").isLessThanOrEqualTo(retries);
        assertThat(kills.get()).as("workers killed mid-request").isGreaterThanOrEqualTo(3);
        assertThat(overloads.get()).as("overloads").isGreaterThanOrEqualTo(1);
    }

    /**
     * A raw Simple (REQ) or Paranoid (DEALER, heartbeating) Pirate worker that echoes requests and,
     * after {@code killAfter} replies, dies holding the next request it is the first to execute:
     * its socket closes without a reply. Returns that request's id, or {@code null} if the test
     * ended first.
     */
    private static String serveThenDie(QueueMode mode, String backend, int killAfter,
            Map<String, AtomicInteger> executions, AtomicBoolean done) {
        boolean paranoid = mode == QueueMode.PARANOID;
        try (RawPeer worker = RawPeer.connect(paranoid ? SocketType.DEALER : SocketType.REQ, backend)) {
            worker.send(Ppp.READY);
            long nextHeartbeat = System.nanoTime() + CHAOS_HEARTBEAT.toNanos();
            int replied = 0;
            while (!done.get()) {
                List<byte[]> request = worker.receive(50);
                if (paranoid && System.nanoTime() - nextHeartbeat >= 0) {
                    worker.send(Ppp.HEARTBEAT);
                    nextHeartbeat = System.nanoTime() + CHAOS_HEARTBEAT.toNanos();
                }
                if (request == null || request.size() == 1) {
                    // Nothing yet, or the queue's heartbeat.
                    continue;
                }
                String id = text(request.get(request.size() - 1));
                int execution = executions.computeIfAbsent(id, (k) -> new AtomicInteger()).incrementAndGet();
                if (replied >= killAfter && execution == 1) {
                    return id;
                }
                worker.send(request.toArray(byte[][]::new));
                replied++;
            }
            return null;
        }
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
