package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.event.PirateListener;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * The broker's limits on what peers can make it hold, and the PX/1 refusals that tell a Pirate
 * client why its request was not taken or not completed.
 */
@Timeout(60)
class BrokerLimitsTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] PX = PirateExtension.PX_FRAME;

    private final RecordingListener events = new RecordingListener();

    private MajordomoBroker broker;

    private MajordomoWorker worker;

    @AfterEach
    void stop() {
        if (this.worker != null) {
            this.worker.close();
        }
        if (this.broker != null) {
            this.broker.close();
        }
    }

    private void startBroker(Consumer<MajordomoBroker.Builder> limits) {
        // Services without workers stay queued here; unknown-service refusals have tests of their own.
        MajordomoBroker.Builder builder = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
                .heartbeatInterval(Duration.ofSeconds(10)).unknownServiceGrace(Duration.ofMinutes(1))
                .listener(this.events);
        limits.accept(builder);
        this.broker = builder.build();
        this.broker.start();
    }

    private RawPeer peer() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    private static void assertRefused(List<byte[]> reply, String service, String reason) {
        assertThat(reply).as("refusal " + reason).isNotNull().hasSize(6);
        assertThat(describe(reply.subList(0, 3))).containsExactly("", "MDPC01", service);
        assertThat(reply.get(3)).isEqualTo(PirateExtension.REFUSED_MARKER);
        assertThat(describe(reply.subList(4, 5))).containsExactly(reason);
    }

    private void startEcho() {
        this.worker = MajordomoWorker.builder(this.broker.connectEndpoint(), "echo", (body) -> body).build();
        this.worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 1);
    }

    @Test
    void aRequestOverTheServiceQueueLimitIsRefusedAsOverloadedToAPirateClient() {
        startBroker((b) -> b.maxQueuedRequests(2));
        try (RawPeer client = peer()) {
            for (int i = 0; i < 3; i++) {
                client.send(EMPTY, C, bytes("nobody"), PX, bytes("r" + i));
            }
            assertRefused(client.receive(), "nobody", "overloaded");
            assertThat(client.receive(300)).as("the two queued requests wait, unanswered").isNull();
        }
        assertThat(this.events.count("brokerRequestRefused:overloaded")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.broker.snapshot().services())
                .singleElement().satisfies((s) -> assertThat(s.queued()).isEqualTo(2)));
    }

    @Test
    void aForeignClientOverTheLimitGetsMdpBehaviourNoExtraBytes() {
        startBroker((b) -> b.maxQueuedRequests(1));
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("nobody"), bytes("first"));
            client.send(EMPTY, C, bytes("nobody"), bytes("second"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.count("brokerRequestRefused:overloaded") == 1);
            assertThat(client.receive(300)).as("a client that sent no PX frame is never sent a refusal").isNull();
        }
    }

    @Test
    void aRequestForANewServiceOverTheServiceTableLimitIsRefused() {
        startBroker((b) -> b.maxServices(2));
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("one"), PX, bytes("x"));
            client.send(EMPTY, C, bytes("two"), PX, bytes("x"));
            client.send(EMPTY, C, bytes("three"), PX, bytes("x"));
            assertRefused(client.receive(), "three", "too-many-services");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.broker.snapshot().services())
                .extracting(BrokerSnapshot.Service::name).containsExactly("one", "two"));
    }

    @Test
    void aRequestOverTheSizeLimitIsRefusedAsTooLargeAndAMalformedPxFrameAsBadRequest() {
        startBroker((b) -> b.maxMessageSize(4096));
        startEcho();
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("echo"), PX, new byte[2000], new byte[2500]);
            assertRefused(client.receive(), "echo", "too-large");
            client.send(EMPTY, C, bytes("echo"), new byte[] { 0, 'P', 'X', '1', 7, 9 }, bytes("x"));
            assertRefused(client.receive(), "echo", "bad-request");
            client.send(EMPTY, C, bytes("echo"), PX, bytes("fine"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "echo", "fine");
        }
        assertThat(this.events.count("brokerMessageDropped:oversized")).isEqualTo(1);
        assertThat(this.events.count("brokerMessageDropped:bad_extension")).isEqualTo(1);
    }

    @Test
    void theWorkerNeverSeesThePxFrame() {
        startBroker((b) -> {
        });
        try (RawPeer client = peer(); RawPeer rawWorker = peer()) {
            rawWorker.send(EMPTY, W, new byte[] { 1 }, bytes("svc"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 1);
            client.send(EMPTY, C, bytes("svc"), PX, bytes("a"), bytes("b"));
            List<byte[]> request = rawWorker.receive();
            assertThat(request).hasSize(7);
            assertThat(describe(request.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
            assertThat(describe(request.subList(4, 7))).containsExactly("", "a", "b");
        }
    }

    @Test
    void mmiPirateAnswersTheVersionAndMmiServiceReadsOnlyTheFirstBodyFrame() {
        startBroker((b) -> {
        });
        startEcho();
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("mmi.pirate"), bytes("PX1"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.pirate", "200", "PX1");
            client.send(EMPTY, C, bytes("mmi.pirate"), bytes("PX9"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.pirate", "501");
            client.send(EMPTY, C, bytes("mmi.service"), bytes("echo"), bytes("extra"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.service", "200");
        }
    }

    @Test
    void aRequestWhoseWorkersKeepDyingIsDroppedAsPoisonAfterTheRedeliveryLimit() {
        startBroker((b) -> b.maxRedeliveries(1));
        int deliveries = 0;
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("fragile"), PX, bytes("poison"));
            for (int i = 0; i < 3; i++) {
                try (RawPeer doomed = peer()) {
                    doomed.send(EMPTY, W, new byte[] { 1 }, bytes("fragile"));
                    List<byte[]> request = doomed.receive(i < 2 ? 5000 : 500);
                    if (request == null) {
                        break;
                    }
                    assertThat(describe(request.subList(5, 6))).containsExactly("poison");
                    deliveries++;
                    // The worker dies holding the request; DISCONNECT makes the broker learn it at once.
                    doomed.send(EMPTY, W, new byte[] { 5 });
                }
            }
            assertRefused(client.receive(), "fragile", "poison");
        }
        assertThat(deliveries).as("delivered once, redelivered once, then dropped").isEqualTo(2);
        assertThat(this.events.count("brokerRequestRefused:poison")).isEqualTo(1);
    }

    @Test
    void aHeldRequestPastItsExpiryIsNotRequeuedWhenItsWorkerDies() {
        startBroker((b) -> b.requestExpiry(Duration.ofMillis(200)));
        try (RawPeer client = peer(); RawPeer doomed = peer(); RawPeer next = peer()) {
            doomed.send(EMPTY, W, new byte[] { 1 }, bytes("slow"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 1);
            client.send(EMPTY, C, bytes("slow"), PX, bytes("late"));
            assertThat(doomed.receive()).isNotNull();
            long expiredAt = System.nanoTime() + Duration.ofMillis(300).toNanos();
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - expiredAt > 0);
            next.send(EMPTY, W, new byte[] { 1 }, bytes("slow"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 2);
            doomed.send(EMPTY, W, new byte[] { 5 });
            assertRefused(client.receive(), "slow", "expired");
            assertThat(next.receive(300)).as("the expired request is not handed to the next worker").isNull();
        }
    }

    @Test
    void aReplyOverTheLimitRefusesItsClientAndKeepsTheWorker() {
        startBroker((b) -> b.maxMessageSize(4096));
        try (RawPeer client = peer(); RawPeer rawWorker = peer()) {
            rawWorker.send(EMPTY, W, new byte[] { 1 }, bytes("grow"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 1);
            client.send(EMPTY, C, bytes("grow"), PX, new byte[4000]);
            List<byte[]> request = rawWorker.receive();
            rawWorker.send(EMPTY, W, new byte[] { 3 }, request.get(3), EMPTY, new byte[2100], new byte[2100]);
            assertRefused(client.receive(), "grow", "reply-too-large");

            client.send(EMPTY, C, bytes("grow"), PX, bytes("small"));
            List<byte[]> second = rawWorker.receive();
            assertThat(describe(second.subList(0, 3))).as("the worker was kept, not disconnected")
                .containsExactly("", "MDPW01", "0x02");
            rawWorker.send(EMPTY, W, new byte[] { 3 }, second.get(3), EMPTY, bytes("ok"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "grow", "ok");
        }
        assertThat(this.events.count("brokerDisconnectSent:oversized")).isZero();
        assertThat(this.events.count("brokerReplyDropped:too-large")).isEqualTo(1);
    }

    @Test
    void aMessageLargerThanTheInboundBudgetIsDroppedBeforeItIsHeldWhole() {
        startBroker((b) -> b.maxMessageSize(128 * 1024).maxFrames(1024).maxInboundBytes(1024 * 1024));
        startEcho();
        try (RawPeer client = peer()) {
            byte[][] bomb = new byte[5 + 100][];
            bomb[0] = EMPTY;
            bomb[1] = C;
            bomb[2] = bytes("echo");
            bomb[3] = PX;
            for (int i = 4; i < bomb.length; i++) {
                bomb[i] = new byte[64 * 1024];
            }
            client.send(bomb);
            assertRefused(client.receive(), "echo", "overloaded");
            client.send(EMPTY, C, bytes("echo"), PX, bytes("after"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "echo", "after");
        }
    }

    @Test
    void repliesToAClientThatDoesNotReadWaitForItInsteadOfBeingDropped() {
        // Far more replies than the broker's pipe (1000 messages), the kernel's socket buffers and the
        // client's own pipe can hold while the client does not read.
        startBroker((b) -> b.maxQueuedBytes(256L * 1024 * 1024).maxClientRequests(100_000)
                .maxQueuedRequests(100_000));
        startEcho();
        int requests = 20_000;
        try (RawPeer client = peer()) {
            client.socket().setRcvHWM(10);
            for (int i = 0; i < requests; i++) {
                byte[] body = new byte[1024];
                byte[] id = bytes(Integer.toString(i));
                System.arraycopy(id, 0, body, 0, id.length);
                client.send(EMPTY, C, bytes("echo"), PX, bytes(Integer.toString(i)), body);
            }
            await().atMost(Duration.ofSeconds(50)).until(() -> this.broker.snapshot().services().get(0).served() == requests
                    || this.broker.snapshot().requestsRefused() > 0);
            assertThat(this.broker.snapshot().requestsRefused()).isZero();
            Map<String, Integer> replies = new HashMap<>();
            List<byte[]> reply;
            while (replies.size() < requests && (reply = client.receive(5000)) != null) {
                replies.merge(RawPeer.text(reply.get(3)), 1, Integer::sum);
            }
            assertThat(replies).hasSize(requests);
            assertThat(replies.values()).containsOnly(1);
        }
        assertThat(this.events.count("brokerReplyDropped:client-pipe-full")).isZero();
    }

    @Test
    void aClientThatFloodsWithoutReadingHearsEveryRefusalWithoutTheBrokerHoldingOnePerRefusal() {
        // A byte limit whose refusal reserve (an eighth) holds about 500 refusals: far fewer than sent.
        startBroker((b) -> b.maxClientRequests(1).maxQueuedBytes(1024 * 1024));
        // Long service names make each refusal about 300 bytes: 15 MB of them, more than the broker's
        // pipe (1000 messages), the kernel's socket buffers and the client's pipe hold unread.
        String service = "nobody-" + "x".repeat(200);
        int requests = 50_000;
        try (RawPeer client = peer()) {
            client.socket().setRcvHWM(10);
            for (int i = 0; i < requests; i++) {
                client.send(EMPTY, C, bytes(service), PX, bytes("r" + i));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> this.events.count("brokerRequestRefused:overloaded") == requests - 1);
            int refusals = 0;
            List<byte[]> reply;
            while ((reply = client.receive(2000)) != null) {
                assertRefused(reply, service, "overloaded");
                refusals++;
            }
            assertThat(refusals).as("one refusal per request past the first, which waits").isEqualTo(requests - 1);
        }
        assertThat(this.events.count("brokerReplyDropped:over-limit")).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().clients() == 1);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheBroker() {
        PirateListener throwing = new PirateListener() {
            @Override
            public void brokerRequest(String service) {
                throw new IllegalStateException("listener bug");
            }
        };
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").listener(throwing).build();
        this.broker.start();
        startEcho();
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("echo"), bytes("still"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "echo", "still");
        }
        assertThat(this.broker.isRunning()).isTrue();
    }

    @Test
    void aBrokerWhoseLoopDiesStopsLoudlyInsteadOfStayingHalfAlive() {
        Error fatal = new OutOfMemoryError("simulated");
        PirateListener dying = new PirateListener() {
            @Override
            public void brokerRequest(String service) {
                throw fatal;
            }
        };
        RecordingListener seen = this.events;
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
                .listener(dev.pirate.event.CompositeListener.of(List.of(seen, dying))).build();
        this.broker.start();
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("echo"), bytes("boom"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !this.broker.isRunning());
        }
        assertThat(this.broker.failure()).isSameAs(fatal);
        assertThat(this.broker.snapshot().running()).isFalse();
        // Told as the loop thread ends, just after the broker stops counting as running.
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.count("loopFailed:pirate-broker") == 1);
    }
}
