package dev.pirate.worker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;

/**
 * Worker credit in {@link MajordomoWorker} ({@code docs/rfc/px-1.md}, section 5.1): the offer in
 * READY, tickets echoed, requests run on the handler pool of one connection, the excess refused, a
 * foreign broker served one request at a time, and end to end with {@link MajordomoBroker}.
 */
@Timeout(60)
class WorkerCreditTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] REQUEST = { 0x02 };

    private static final Duration SLOW_HEARTBEAT = Duration.ofSeconds(10);

    @RegisterExtension
    final Resources resources = new Resources();

    private MajordomoWorker start(MajordomoWorker.Builder builder) {
        MajordomoWorker worker = builder.build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    /** Plays a PX/1 broker's side of negotiation; returns the worker's READY. */
    private static List<byte[]> negotiate(RawPeer broker) {
        List<byte[]> question = broker.receive();
        assertThat(describe(question.subList(1, question.size()))).containsExactly("", "MDPC01", "mmi.pirate", "PX1");
        broker.send(question.get(0), EMPTY, C, PirateExtension.MMI_PIRATE_FRAME, bytes("200"), bytes("PX1"));
        return broker.receive();
    }

    private static void sendRequest(RawPeer broker, byte[] worker, String client, long ticket, String body) {
        broker.send(worker, EMPTY, W, REQUEST, bytes(client), EMPTY, PirateExtension.pxFrame(null, -1, ticket),
                bytes(body));
    }

    /** The next REPLY, skipping heartbeats. */
    private static List<byte[]> nextReply(RawPeer broker) {
        List<byte[]> message;
        do {
            message = broker.receive();
            assertThat(message).as("a reply in time").isNotNull();
        }
        while (message.size() <= 4);
        return message;
    }

    @Test
    void offersItsCreditInReadyAndRunsTheRequestsOfOneConnectionConcurrently() throws Exception {
        RawPeer broker = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        CountDownLatch allRunning = new CountDownLatch(3);
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "pooled", (body) -> {
            allRunning.countDown();
            // Each handler waits for the other two: only three threads running at once get past this.
            if (!allRunning.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the requests did not run concurrently");
            }
            return List.of(bytes("done-" + text(body.get(0))));
        }).concurrency(3).prefetch(8).heartbeatInterval(SLOW_HEARTBEAT));

        List<byte[]> ready = negotiate(broker);
        assertThat(describe(ready.subList(1, ready.size()))).containsExactly("", "MDPW01", "0x01", "pooled",
                "0x0050583104020008");
        byte[] identity = ready.get(0);
        for (int i = 0; i < 3; i++) {
            sendRequest(broker, identity, "client-" + i, 0x10000L * (i + 1) + i, "r" + i);
        }
        Map<String, List<String>> replies = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            List<byte[]> reply = nextReply(broker);
            assertThat(reply.get(0)).as("the one connection").isEqualTo(identity);
            replies.put(text(reply.get(4)), describe(reply.subList(1, reply.size())));
        }
        for (int i = 0; i < 3; i++) {
            // The ticket field 0x05, length 4, echoed byte for byte.
            String ticket = String.format("0x005058310504%08x", 0x10000L * (i + 1) + i);
            assertThat(replies.get("client-" + i)).containsExactly("", "MDPW01", "0x03", "client-" + i, "", ticket,
                    "done-r" + i);
        }
        assertThat(worker.connectedCount()).isEqualTo(1);
    }

    @Test
    void requestsBeyondTheCreditAreRefusedOverloadedWithTheirTicket() throws Exception {
        RawPeer broker = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        start(MajordomoWorker.builder(broker.endpoint(), "tight", (body) -> {
            release.await(10, TimeUnit.SECONDS);
            handled.incrementAndGet();
            return body;
        }).concurrency(2).prefetch(2).heartbeatInterval(SLOW_HEARTBEAT));
        byte[] identity = negotiate(broker).get(0);
        for (int i = 1; i <= 3; i++) {
            sendRequest(broker, identity, "c", i, "r" + i);
        }
        List<byte[]> refusal = nextReply(broker);
        assertThat(PirateExtension.ticket(refusal.get(6))).isEqualTo(3);
        assertThat(PirateExtension.isRefusal(refusal.subList(7, refusal.size()))).isTrue();
        assertThat(PirateExtension.refusalReason(refusal.subList(7, refusal.size())).word()).isEqualTo("overloaded");
        release.countDown();
        List<Long> answered = List.of(PirateExtension.ticket(nextReply(broker).get(6)),
                PirateExtension.ticket(nextReply(broker).get(6)));
        assertThat(answered).containsExactlyInAnyOrder(1L, 2L);
        assertThat(handled.get()).isEqualTo(2);
    }

    /** With one handler thread there is no pool: the connection thread runs its requests in turn. */
    @Test
    void withOneHandlerThreadTheConnectionRunsItsCreditedRequestsInTurnAndEchoesEachTicket() {
        RawPeer broker = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(MajordomoWorker.builder(broker.endpoint(), "inline", (body) -> {
            threads.add(Thread.currentThread().getName());
            return body;
        }).prefetch(300).heartbeatInterval(SLOW_HEARTBEAT));
        List<byte[]> ready = negotiate(broker);
        assertThat(describe(ready.subList(1, ready.size()))).containsExactly("", "MDPW01", "0x01", "inline",
                "0x005058310402012c");
        for (int i = 0; i < 5; i++) {
            sendRequest(broker, ready.get(0), "c" + i, 1000 + i, "r" + i);
        }
        for (int i = 0; i < 5; i++) {
            List<byte[]> reply = nextReply(broker);
            assertThat(describe(reply.subList(1, reply.size()))).containsExactly("", "MDPW01", "0x03", "c" + i, "",
                    String.format("0x005058310504%08x", 1000 + i), "r" + i);
        }
        assertThat(threads).containsOnly("pirate-worker-inline-1");
    }

    @Test
    void aForeignBrokerGetsPlainMdpOneRequestAtATime() {
        RawPeer broker = this.resources.track(RawPeer.bind(SocketType.ROUTER));
        start(MajordomoWorker.builder(broker.endpoint(), "old", (body) -> body).concurrency(2).prefetch(4)
                .heartbeatInterval(SLOW_HEARTBEAT));
        List<byte[]> question = broker.receive();
        broker.send(question.get(0), EMPTY, C, PirateExtension.MMI_PIRATE_FRAME, bytes("501"));
        List<byte[]> ready = broker.receive();
        assertThat(describe(ready.subList(1, ready.size()))).containsExactly("", "MDPW01", "0x01", "old");
        broker.send(ready.get(0), EMPTY, W, REQUEST, bytes("client"), EMPTY, bytes("plain"));
        List<byte[]> reply = nextReply(broker);
        assertThat(describe(reply.subList(1, reply.size()))).containsExactly("", "MDPW01", "0x03", "client", "", "plain");
    }

    @Test
    void prefetchNeedsThePirateExtension() {
        assertThatIllegalStateException().isThrownBy(() -> MajordomoWorker
                .builder("tcp://127.0.0.1:5555", "x", (body) -> body).prefetch(4).pirateExtension(false).build())
                .withMessageContaining("prefetch 4");
    }

    @Test
    void endToEndOneConnectionServesManyRequestsAtOnceAndAnswersEachExactlyOnce() throws Exception {
        MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build();
        this.resources.track(broker::close);
        broker.start();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        CountDownLatch firstFour = new CountDownLatch(4);
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.connectEndpoint(), "many", (body) -> {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            executions.computeIfAbsent(text(body.get(0)), (k) -> new AtomicInteger()).incrementAndGet();
            firstFour.countDown();
            firstFour.await(10, TimeUnit.SECONDS);
            running.decrementAndGet();
            return body;
        }).concurrency(4).prefetch(16));
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount() == 1
                || broker.snapshot().workers() == 1);

        int calls = 500;
        try (MajordomoClient client = MajordomoClient.builder(broker.connectEndpoint()).timeout(Duration.ofSeconds(20))
                .build()) {
            List<CompletableFuture<List<byte[]>>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(client.requestAsync("many", List.of(bytes("call-" + i))));
            }
            for (int i = 0; i < calls; i++) {
                assertThat(text(futures.get(i).get(30, TimeUnit.SECONDS).get(0))).isEqualTo("call-" + i);
            }
        }
        assertThat(executions).hasSize(calls);
        assertThat(executions.values()).allSatisfy((count) -> assertThat(count.get()).isOne());
        assertThat(mostAtOnce.get()).isEqualTo(4);
        assertThat(broker.snapshot().workers()).as("one connection").isEqualTo(1);
    }

    /**
     * Stop with two requests running and two queued: the running ones are answered, the queued ones
     * go back to the broker with DISCONNECT (after the running ones end: MDP has no way to hand back
     * one request) and on to another worker; each runs once.
     */
    @Test
    void stoppingACreditedWorkerAnswersWhatItRunsAndHandsTheRestBackToTheBroker() throws Exception {
        MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build();
        this.resources.track(broker::close);
        broker.start();
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        MajordomoWorker stopping = start(MajordomoWorker.builder(broker.connectEndpoint(), "handover", (body) -> {
            executions.computeIfAbsent(text(body.get(0)), (k) -> new AtomicInteger()).incrementAndGet();
            bothRunning.countDown();
            release.await(20, TimeUnit.SECONDS);
            return body;
        }).concurrency(2).prefetch(4));
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.snapshot().workers() == 1);
        try (MajordomoClient client = MajordomoClient.builder(broker.connectEndpoint()).timeout(Duration.ofSeconds(30))
                .retries(0).build()) {
            List<CompletableFuture<List<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(client.requestAsync("handover", List.of(bytes("h" + i))));
            }
            assertThat(bothRunning.await(20, TimeUnit.SECONDS)).as("two requests running, two queued").isTrue();
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> stopping.stop(Duration.ofSeconds(20)));
            start(MajordomoWorker.builder(broker.connectEndpoint(), "handover", (body) -> {
                executions.computeIfAbsent(text(body.get(0)), (k) -> new AtomicInteger()).incrementAndGet();
                return body;
            }));
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.snapshot().workers() == 2);
            release.countDown();
            assertThat(stopped.get(30, TimeUnit.SECONDS)).as("stopped within its grace period").isTrue();
            for (int i = 0; i < 4; i++) {
                assertThat(text(calls.get(i).get(30, TimeUnit.SECONDS).get(0))).isEqualTo("h" + i);
            }
        }
        assertThat(executions).hasSize(4);
        assertThat(executions.values()).allSatisfy((count) -> assertThat(count.get()).isOne());
    }
}
