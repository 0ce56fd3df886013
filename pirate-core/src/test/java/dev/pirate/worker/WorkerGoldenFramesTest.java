package dev.pirate.worker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.testing.RecordingListener;

/**
 * Golden-frame conformance of {@link MajordomoWorker}, with a raw ROUTER socket playing the broker.
 */
@Timeout(30)
class WorkerGoldenFramesTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();


    private RawPeer broker() {
        RawPeer broker = RawPeer.bind(SocketType.ROUTER);
        this.resources.track(broker);
        return broker;
    }

    /**
     * Starts a worker in plain MDP/0.1: these tests script the frames of a broker that is not asked
     * about PX/1 ({@link WorkerNegotiationTest} covers the question).
     */
    private MajordomoWorker start(MajordomoWorker.Builder builder) {
        MajordomoWorker worker = builder.pirateExtension(false).listener(this.events).build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    @Test
    void sendsReadyThenAnswersRequestsWithReplyFrames() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "echo", (body) -> body));
        List<byte[]> ready = broker.receive();
        byte[] worker = ready.get(0);
        assertThat(describe(ready.subList(1, ready.size()))).containsExactly("", "MDPW01", "0x01", "echo");

        broker.send(worker, EMPTY, W, new byte[] { 0x02 }, bytes("client-1"), EMPTY, bytes("one"), EMPTY, bytes("three"));
        List<byte[]> reply = broker.receive();
        assertThat(describe(reply.subList(1, reply.size())))
            .containsExactly("", "MDPW01", "0x03", "client-1", "", "one", "", "three");
    }

    @Test
    void heartbeatsWhileIdle() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "beat", (body) -> body)
            .heartbeatInterval(Duration.ofMillis(100)));
        broker.receive();
        List<byte[]> heartbeat = broker.receive(2000);
        assertThat(describe(heartbeat.subList(1, heartbeat.size()))).containsExactly("", "MDPW01", "0x04");
    }

    @Test
    void handlerFailureIsSentAsAPirateErrorReply() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "boom", (body) -> {
            throw new IllegalStateException("no stock");
        }));
        byte[] worker = broker.receive().get(0);
        broker.send(worker, EMPTY, W, new byte[] { 0x02 }, bytes("c"), EMPTY, bytes("x"));
        List<byte[]> reply = broker.receive();
        assertThat(describe(reply.subList(1, 6))).containsExactly("", "MDPW01", "0x03", "c", "");
        assertThat(describe(reply.subList(6, reply.size())))
            .containsExactly("0x005049524154452d4552524f52", "boom: no stock");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.events.count("workerRequestCompleted:boom:false") == 1);
    }

    @Test
    void handlerFailureNamesTheExceptionClassOnlyWhenToldTo() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "boom", (body) -> {
            throw new IllegalStateException("no stock");
        }).exposeExceptionDetails(true));
        byte[] worker = broker.receive().get(0);
        broker.send(worker, EMPTY, W, new byte[] { 0x02 }, bytes("c"), EMPTY, bytes("x"));
        List<byte[]> reply = broker.receive();
        assertThat(describe(reply.subList(6, reply.size())))
            .containsExactly("0x005049524154452d4552524f52", "boom: java.lang.IllegalStateException: no stock");
    }

    @Test
    void disconnectFromTheBrokerMakesTheWorkerReconnectWithANewReady() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "again", (body) -> body)
            .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)));
        byte[] first = broker.receive().get(0);
        broker.send(first, EMPTY, W, new byte[] { 0x05 });
        List<byte[]> ready = broker.receive();
        assertThat(ready.get(0)).as("a new socket, so a new routing id").isNotEqualTo(first);
        assertThat(describe(ready.subList(1, ready.size()))).containsExactly("", "MDPW01", "0x01", "again");
        assertThat(this.events.count("workerReconnect:again")).isEqualTo(1);
    }

    @Test
    void silentBrokerMakesTheWorkerReconnectAfterLiveness() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "quiet", (body) -> body)
            .heartbeatInterval(Duration.ofMillis(100)).liveness(3)
            .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)));
        byte[] first = broker.receive().get(0);
        List<byte[]> message;
        do {
            message = broker.receive(3000);
        }
        while (message != null && java.util.Arrays.equals(message.get(0), first));
        assertThat(message).isNotNull();
        assertThat(describe(message.subList(1, message.size()))).containsExactly("", "MDPW01", "0x01", "quiet");
        assertThat(this.events.count("workerHeartbeatMissed:quiet")).isGreaterThanOrEqualTo(3);
    }

    /**
     * A broker's heartbeat comes a little after one interval of silence in normal operation (both
     * sides look at their clocks in steps); only a heartbeat later than the allowance is missed.
     * Without the allowance every one of these heartbeats counts as missed; with it, only a
     * scheduling hiccup of the test's own thread of over 80 ms could make one count, so up to half
     * are tolerated (a loaded 2-core machine has had three).
     */
    @Test
    void aHeartbeatALittleLateIsNotCountedAsMissed() {
        RawPeer broker = broker();
        start(MajordomoWorker.builder(broker.endpoint(), "late", (body) -> body)
            .heartbeatInterval(Duration.ofMillis(200)).liveness(3));
        byte[] worker = broker.receive().get(0);
        int heartbeats = 10;
        for (int i = 0; i < heartbeats; i++) {
            broker.send(worker, EMPTY, W, new byte[] { 0x04 });
            // 220 ms of silence from the broker: 20 ms late, well within the allowance. Only the
            // worker's own heartbeats arrive meanwhile; a READY would mean it gave up on this connection.
            long deadline = System.nanoTime() + Duration.ofMillis(220).toNanos();
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                List<byte[]> message = broker.receive((int) Math.max(1, left / 1_000_000));
                if (message != null) {
                    assertThat(describe(message.subList(1, message.size()))).containsExactly("", "MDPW01", "0x04");
                }
            }
        }
        // Without the allowance all ten count as missed; half is room for a busy machine's hiccups.
        assertThat(this.events.count("workerHeartbeatMissed:late")).isLessThanOrEqualTo(heartbeats / 2);
    }

    @Test
    void keepsHeartbeatingWhileASlowHandlerRuns() throws Exception {
        RawPeer broker = broker();
        CountDownLatch release = new CountDownLatch(1);
        start(MajordomoWorker.builder(broker.endpoint(), "slow", (body) -> {
            release.await(10, TimeUnit.SECONDS);
            return body;
        }).heartbeatInterval(Duration.ofMillis(100)));
        byte[] worker = broker.receive().get(0);
        broker.send(worker, EMPTY, W, new byte[] { 0x02 }, bytes("c"), EMPTY, bytes("x"));
        int heartbeats = 0;
        while (heartbeats < 5) {
            List<byte[]> message = broker.receive(1000);
            assertThat(message).as("heartbeat while the handler runs").isNotNull();
            assertThat(describe(message.subList(1, message.size()))).containsExactly("", "MDPW01", "0x04");
            heartbeats++;
        }
        release.countDown();
        List<byte[]> reply;
        do {
            reply = broker.receive();
        }
        while (reply.size() == 4);
        assertThat(describe(reply.subList(3, 4))).containsExactly("0x03");
    }

    @Test
    void stopFinishesTheRequestInHandThenSendsDisconnect() throws Exception {
        RawPeer broker = broker();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "busy", (body) -> {
            started.countDown();
            release.await(10, TimeUnit.SECONDS);
            return body;
        }));
        byte[] id = broker.receive().get(0);
        broker.send(id, EMPTY, W, new byte[] { 0x02 }, bytes("c"), EMPTY, bytes("in hand"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(() -> worker.stop(Duration.ofSeconds(5)));
        stopper.start();
        release.countDown();
        List<byte[]> reply = broker.receive();
        assertThat(describe(reply.subList(1, reply.size()))).containsExactly("", "MDPW01", "0x03", "c", "", "in hand");
        List<byte[]> disconnect = broker.receive();
        assertThat(describe(disconnect.subList(1, disconnect.size()))).containsExactly("", "MDPW01", "0x05");
        await().atMost(Duration.ofSeconds(30)).until(() -> !stopper.isAlive());
    }

    @Test
    void concurrencyOpensOneConnectionPerSlot() {
        RawPeer broker = broker();
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "many", (body) -> body).concurrency(3));
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            ids.add(java.util.HexFormat.of().formatHex(broker.receive().get(0)));
        }
        assertThat(ids).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 3);
    }

    @Test
    void readyIsNotRegistrationUntilTheBrokerAnswers() {
        RawPeer broker = broker();
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "wait", (body) -> body)
            .heartbeatInterval(Duration.ofMillis(100)).liveness(50));
        byte[] id = broker.receive().get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 1);
        assertThat(worker.registeredCount()).as("READY alone").isZero();
        assertThat(worker.lastHeardMillis()).as("nothing heard yet").isZero();
        assertThat(worker.unregisteredFor()).isPositive();

        long before = System.currentTimeMillis();
        broker.send(id, EMPTY, W, new byte[] { 0x04 });
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.registeredCount() == 1);
        assertThat(worker.unregisteredFor()).isZero();
        assertThat(worker.lastHeardMillis()).isGreaterThanOrEqualTo(before);
        assertThat(worker.reconnects()).isZero();
    }

    @Test
    void registrationEndsWhenTheBrokerWasLastHeardAndReconnectsAreCounted() {
        RawPeer broker = broker();
        Duration heartbeat = Duration.ofMillis(100);
        MajordomoWorker worker = start(MajordomoWorker.builder(broker.endpoint(), "lost", (body) -> body)
            .heartbeatInterval(heartbeat).liveness(3).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(50)));
        java.util.Set<String> answered = new java.util.HashSet<>();
        long beforeLastHeartbeat = System.nanoTime();
        answerEveryNewReadyUntilRegistered(broker, worker, answered);
        // On a loaded machine an earlier conversation may have given up before one was answered.
        long reconnectsBefore = worker.reconnects();

        // The broker goes silent: after liveness x heartbeat the worker gives up and reconnects; its
        // registration is counted as lost since the last heartbeat, so it already spans that time.
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.reconnects() > reconnectsBefore);
        assertThat(worker.registeredCount()).isZero();
        Duration silentSoFar = Duration.ofNanos(System.nanoTime() - beforeLastHeartbeat);
        assertThat(worker.unregisteredFor()).isGreaterThanOrEqualTo(heartbeat.multipliedBy(3))
            .isLessThanOrEqualTo(silentSoFar);

        answerEveryNewReadyUntilRegistered(broker, worker, answered);
        assertThat(worker.unregisteredFor()).isZero();
        assertThat(worker.concurrency()).isEqualTo(1);
        assertThat(worker.heartbeatInterval()).isEqualTo(heartbeat);
        assertThat(worker.liveness()).isEqualTo(3);
    }

    /** Answers each READY of a conversation not seen before with a heartbeat, until one registers. */
    private static void answerEveryNewReadyUntilRegistered(RawPeer broker, MajordomoWorker worker,
            java.util.Set<String> answered) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            List<byte[]> message = broker.receive(50);
            if (message != null && answered.add(java.util.HexFormat.of().formatHex(message.get(0)))) {
                broker.send(message.get(0), EMPTY, W, new byte[] { 0x04 });
            }
            return worker.registeredCount() == 1;
        });
    }
}
