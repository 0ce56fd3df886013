package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.Sockets;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RawPxBroker;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;

/**
 * Tests for {@link MajordomoClient} over several brokers: requests spread over them, an attempt
 * that times out goes to another broker with the same request id, a broker that keeps failing is
 * skipped and picked up again, and services registered with some brokers only still answer.
 */
@Timeout(120)
class MultiBrokerClientTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(250);

    @RegisterExtension
    final Resources resources = new Resources();

    private MajordomoBroker broker(String bind) {
        MajordomoBroker broker = MajordomoBroker.builder().bind(bind).heartbeatInterval(HEARTBEAT).build();
        broker.start();
        return this.resources.track(broker);
    }

    private List<MajordomoBroker> threeBrokers() {
        return List.of(broker("tcp://127.0.0.1:*"), broker("tcp://127.0.0.1:*"), broker("tcp://127.0.0.1:*"));
    }

    /** Three brokers, and an echo worker registered with each of them (two connections each). */
    private List<MajordomoBroker> threeBrokersServingEcho() {
        List<MajordomoBroker> brokers = threeBrokers();
        MajordomoWorker worker = echoWorker(endpointsOf(brokers));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount() == 6);
        return brokers;
    }

    private static List<String> endpointsOf(List<MajordomoBroker> brokers) {
        return brokers.stream().map(MajordomoBroker::connectEndpoint).toList();
    }

    private MajordomoWorker echoWorker(List<String> endpoints) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoints.get(0), "echo", (body) -> body)
            .endpoints(endpoints)
            .concurrency(2)
            .heartbeatInterval(HEARTBEAT)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    private static long served(MajordomoBroker broker, String service) {
        return broker.snapshot().services().stream().filter((s) -> s.name().equals(service))
            .mapToLong((s) -> s.served()).sum();
    }

    @Test
    void spreadsRequestsOverEveryBrokerAndKeepsOneListenerEventPerCall() {
        List<MajordomoBroker> brokers = threeBrokersServingEcho();
        List<String> endpoints = endpointsOf(brokers);
        RecordingListener events = new RecordingListener();
        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            .timeout(Duration.ofSeconds(5)).listener(events).build());

        for (int i = 0; i < 60; i++) {
            assertThat(text(client.request("echo", bytes("sync-" + i)))).isEqualTo("sync-" + i);
        }
        List<CompletableFuture<List<byte[]>>> async = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            async.add(client.requestAsync("echo", List.of(bytes("async-" + i))));
        }
        for (int i = 0; i < 60; i++) {
            assertThat(text(async.get(i).join().get(0))).isEqualTo("async-" + i);
        }
        // Round robin reaches every broker; snapshots are published every 100 ms or so.
        await().atMost(Duration.ofSeconds(5)).until(() -> brokers.stream().allMatch((b) -> served(b, "echo") >= 20));
        assertThat(client.endpoints()).containsExactlyElementsOf(endpoints);
        assertThat(client.failovers()).isZero();
        assertThat(client.serviceExists("echo")).isTrue();
        assertThat(client.serviceExists("nobody")).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.count("clientRequestCompleted:echo:success") == 120);
    }

    /**
     * Two raw brokers that speak PX/1: the first one to get the call never answers it, the other
     * replies. The call's second attempt must reach the other broker with the first one's request id.
     */
    @Test
    void anAttemptThatTimesOutIsSentToAnotherBrokerWithTheSameRequestId() {
        RawPeer first = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        RawPeer second = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = this.resources.track(MajordomoClient
            .builder(List.of(first.endpoint(), second.endpoint()))
            .timeout(Duration.ofMillis(300))
            .retries(2)
            .brokerFailurePolicy(1, Duration.ofSeconds(30))
            .build());
        CompletableFuture<List<byte[]>> reply = client.requestAsync("echo", List.of(bytes("hello")));

        List<RawPeer> peers = List.of(first, second);
        byte[] silentId = null;
        RawPeer silent = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reply.isDone() && System.nanoTime() < deadline) {
            for (RawPeer peer : peers) {
                List<byte[]> message = RawPxBroker.nextRequest(peer, 20);
                if (message == null) {
                    continue;
                }
                String service = RawPxBroker.service(message);
                if (service.equals("echo") && silent == null) {
                    silent = peer;
                    silentId = PirateExtension.requestId(message.get(4));
                }
                else if (service.equals("echo") && peer != silent) {
                    assertThat(PirateExtension.requestId(message.get(4))).as("the same call on another broker")
                        .isEqualTo(silentId);
                    RawPxBroker.reply(peer, message, "from the other");
                }
                // The silent broker leaves the MMI probe that follows the timeout unanswered too.
            }
        }
        assertThat(text(reply.join().get(0))).isEqualTo("from the other");
        assertThat(silentId).hasSize(16);
        assertThat(client.failovers()).isEqualTo(1);
        assertThat(client.isBrokerSkipped((silent == first) ? first.endpoint() : second.endpoint())).isTrue();
        assertThat(client.isBrokerSkipped((silent == first) ? second.endpoint() : first.endpoint())).isFalse();
    }

    @Test
    void aBrokerDownAtStartUpIsSkippedAndPickedUpWhenItAppears() {
        MajordomoBroker up = broker("tcp://127.0.0.1:*");
        String lateEndpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        List<String> endpoints = List.of(up.connectEndpoint(), lateEndpoint);
        MajordomoWorker worker = echoWorker(endpoints);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount(up.connectEndpoint()) == 2);
        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            .timeout(Duration.ofMillis(500))
            .brokerFailurePolicy(1, Duration.ofMillis(300))
            .build());

        for (int i = 0; i < 10; i++) {
            assertThat(text(client.request("echo", bytes("early-" + i)))).isEqualTo("early-" + i);
        }
        assertThat(client.isBrokerSkipped(lateEndpoint)).isTrue();
        assertThat(client.failovers()).isPositive();

        MajordomoBroker late = broker(lateEndpoint);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount(lateEndpoint) == 2);
        int[] sent = { 0 };
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String body = "late-" + sent[0]++;
            assertThat(text(client.request("echo", bytes(body)))).isEqualTo(body);
            return served(late, "echo") > 0;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            client.request("echo", bytes("again"));
            return !client.isBrokerSkipped(lateEndpoint);
        });
    }

    /**
     * A foreign worker registered with one broker only, and a foreign client talking to one broker:
     * our client's calls to the foreign worker's service reach it wherever they land first (the
     * other brokers say "unknown service" and the call moves on), without any broker being skipped.
     */
    @Test
    void aForeignWorkerOnOneBrokerAndAForeignClientOnAnotherKeepWorking() {
        List<MajordomoBroker> brokers = threeBrokers();
        List<String> endpoints = endpointsOf(brokers);
        MajordomoWorker worker = echoWorker(endpoints);
        this.resources.track(PythonPeer.startReady("mdp_worker.py", "--connect", endpoints.get(1), "--service", "py",
                "--prefix", "py:", "--heartbeat-ms", "250"));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount() == 6
                && served(brokers.get(1), "py") >= 0 && brokers.get(1).snapshot().workers() == 3);
        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            .timeout(Duration.ofMillis(500))
            .build());

        for (int i = 0; i < 9; i++) {
            assertThat(text(client.request("py", bytes("q" + i)))).isEqualTo("py:q" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> served(brokers.get(1), "py") == 9);
        for (String endpoint : endpoints) {
            assertThat(client.isBrokerSkipped(endpoint)).as("alive brokers are never skipped").isFalse();
        }

        PythonPeer foreignClient = this.resources.track(PythonPeer.start("mdp_client.py", "--connect",
                endpoints.get(2), "--service", "echo", "--timeout-ms", "2000", "--retries", "5", "--count", "3",
                "ahoy"));
        assertThat(foreignClient.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(foreignClient.output()).containsExactly("ahoy", "ahoy", "ahoy");
    }

    @Test
    void aBrokerWhoseHostNameDoesNotResolveIsSkippedLikeOneThatIsDown() {
        MajordomoBroker up = broker("tcp://127.0.0.1:*");
        String unresolved = "tcp://pirate-broker-9.invalid:5555";
        MajordomoWorker worker = echoWorker(List.of(unresolved, up.connectEndpoint()));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount(up.connectEndpoint()) == 2);
        MajordomoClient client = this.resources.track(MajordomoClient.builder(List.of(unresolved, up.connectEndpoint()))
            .timeout(Duration.ofSeconds(2))
            .build());
        for (int i = 0; i < 10; i++) {
            assertThat(text(client.request("echo", bytes("sync-" + i)))).isEqualTo("sync-" + i);
            assertThat(text(client.requestAsync("echo", List.of(bytes("async-" + i))).join().get(0)))
                .isEqualTo("async-" + i);
        }
        assertThat(client.isBrokerSkipped(unresolved)).isTrue();
        assertThat(worker.registeredCount(unresolved)).isZero();
        assertThat(worker.failure()).isNull();
    }

    /**
     * The pipelined client over two brokers: requests go to both in turn; once one is gone, every
     * request goes to the other. Requests sent to the broker as it went are lost (no retries), so the
     * test waits until a whole batch comes back before it counts.
     */
    @Test
    void thePipelinedClientSpreadsOverBrokersAndSkipsOneThatIsGone() {
        MajordomoBroker first = broker("tcp://127.0.0.1:*");
        MajordomoBroker second = broker("tcp://127.0.0.1:*");
        List<String> endpoints = List.of(first.connectEndpoint(), second.connectEndpoint());
        MajordomoWorker worker = echoWorker(endpoints);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.registeredCount() == 4);
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(endpoints, 100)) {
            assertThat(pipeline.endpoints()).containsExactlyElementsOf(endpoints);
            assertThat(pipelinedBatch(pipeline, "both", 100)).isEqualTo(100);
            await().atMost(Duration.ofSeconds(5)).until(() -> served(first, "echo") > 0 && served(second, "echo") > 0);

            second.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> pipelinedBatch(pipeline, "probe", 10) == 10);
            long before = served(first, "echo");
            assertThat(pipelinedBatch(pipeline, "one", 100)).isEqualTo(100);
            await().atMost(Duration.ofSeconds(5)).until(() -> served(first, "echo") >= before + 100);
        }
    }

    /** Sends a batch and returns how many right replies came back, each within a second of the last. */
    private static int pipelinedBatch(MajordomoPipeline pipeline, String prefix, int size) {
        for (int i = 0; i < size; i++) {
            pipeline.send("echo", bytes(prefix + i));
        }
        int received = 0;
        MajordomoPipeline.Reply reply;
        while (received < size && (reply = pipeline.receive(Duration.ofSeconds(1))) != null) {
            if (text(reply.body().get(0)).startsWith(prefix)) {
                received++;
            }
        }
        return received;
    }

    @Test
    void aClientOverThreeBrokersStartsOneZeroMqIoThreadForAllOfThem() {
        List<MajordomoBroker> brokers = threeBrokersServingEcho();
        List<String> endpoints = endpointsOf(brokers);
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            .timeout(Duration.ofSeconds(5)).build());
        for (int i = 0; i < 9; i++) {
            assertThat(text(client.request("echo", bytes("sync-" + i)))).isEqualTo("sync-" + i);
            assertThat(text(client.requestAsync("echo", List.of(bytes("async-" + i))).join().get(0)))
                .isEqualTo("async-" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> brokers.stream().allMatch((b) -> served(b, "echo") >= 6));
        // JeroMQ names the I/O threads of every context "iothread-N": one context, one of them.
        List<String> newIoThreads = Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> !before.contains(thread))
            .map(Thread::getName)
            .filter((name) -> name.startsWith("iothread"))
            .toList();
        assertThat(newIoThreads).hasSize(1);
    }

    /**
     * The ZeroMQ I/O thread that every broker's connection shares dies for real: a socket of the
     * test's own on the client's context has an allocator that throws an Error, as an
     * OutOfMemoryError would, while that thread decodes a frame for it. Every engine must be told:
     * calls fail at once with the cause, on every broker, instead of waiting out timeouts on
     * connections nobody serves.
     */
    @Test
    void whenTheSharedZeroMqIoThreadDiesEveryCallFailsWithTheCause() {
        List<String> endpoints = endpointsOf(threeBrokersServingEcho());
        RecordingListener events = new RecordingListener();
        MajordomoClient client = this.resources.track(MajordomoClient.builder(endpoints)
            .timeout(Duration.ofMinutes(1)).listener(events).build());
        assertThat(text(client.request("echo", bytes("before")))).isEqualTo("before");

        ZContext shared = client.sharedEngineContext();
        // Sockets.create: a short handshake limit on both ends, so a fresh connection that JeroMQ
        // stalls before its greeting (Sockets.HANDSHAKE_MILLIS) is made again within a second.
        ZMQ.Socket victim = Sockets.create(shared, SocketType.PULL);
        victim.setMsgAllocator((size) -> {
            throw new OutOfMemoryError("test: the I/O thread dies decoding a frame");
        });
        int port = victim.bindToRandomPort("tcp://127.0.0.1");
        try (ZContext other = new ZContext(1)) {
            ZMQ.Socket push = Sockets.create(other, SocketType.PUSH);
            push.connect("tcp://127.0.0.1:" + port);
            push.send("boom");
            await().atMost(Duration.ofSeconds(30)).until(() -> events.countStartingWith("loopFailed:") >= 1);
        }

        // Each call would wait a minute on a connection no thread serves; it must fail at once.
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> client.request("echo", bytes("after")))
                .isInstanceOf(PirateException.class)
                .hasMessageContaining("I/O thread died")
                .hasMessageContaining("test: the I/O thread dies decoding a frame");
            assertThat(client.requestAsync("echo", List.of(bytes("after"))))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(PirateException.class);
        }
        assertThat(events.countStartingWith("loopFailed:")).as("one report per broker's engine").isEqualTo(3);
    }

    @Test
    void endpointsMustBeDistinctAndAtMostSixtyFour() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> MajordomoClient.builder(List.of("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555")))
            .withMessageContaining("listed twice");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("tcp://127.0.0.1:" + (6000 + i));
        }
        assertThatIllegalArgumentException().isThrownBy(() -> MajordomoClient.builder(many))
            .withMessageContaining("at most 64");
    }
}
