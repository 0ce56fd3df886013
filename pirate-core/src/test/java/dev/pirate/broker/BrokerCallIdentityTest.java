package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;

/**
 * PX/1 request identity, deadlines and unknown services at the broker ({@code docs/rfc/px-1.md},
 * sections 3.1 and 4.1), frame for frame with scripted clients and workers.
 */
@Timeout(60)
class BrokerCallIdentityTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] READY = { 1 };

    private static final byte[] REPLY = { 3 };

    private final RecordingListener events = new RecordingListener();

    private MajordomoBroker broker;

    @AfterEach
    void stop() {
        this.broker.close();
    }

    private void startBroker(Consumer<MajordomoBroker.Builder> settings) {
        MajordomoBroker.Builder builder = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
                .heartbeatInterval(Duration.ofSeconds(10)).unknownServiceGrace(Duration.ofMinutes(1))
                .listener(this.events);
        settings.accept(builder);
        this.broker = builder.build();
        this.broker.start();
    }

    private RawPeer peer() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    private RawPeer worker(String service, boolean pirate) {
        // Counted before READY: the snapshot may already show the new worker when READY has gone.
        int expected = this.broker.snapshot().workers() + 1;
        RawPeer worker = peer();
        if (pirate) {
            worker.send(EMPTY, W, READY, bytes(service), PirateExtension.PX_FRAME);
        }
        else {
            worker.send(EMPTY, W, READY, bytes(service));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == expected);
        return worker;
    }

    private static byte[] px(String id, long deadlineMillis) {
        return PirateExtension.pxFrame((id != null) ? bytes(id) : null, deadlineMillis);
    }

    @Test
    void aRetryOfAHeldCallIsJoinedToItAndItsAnswerGoesToTheNewestAttempt() {
        startBroker((b) -> {
        });
        try (RawPeer worker = worker("slow", false); RawPeer firstAttempt = peer(); RawPeer retry = peer()) {
            firstAttempt.send(EMPTY, C, bytes("slow"), px("call-1", -1), bytes("work"));
            List<byte[]> request = worker.receive();
            assertThat(describe(request.subList(5, 6))).containsExactly("work");

            retry.send(EMPTY, C, bytes("slow"), px("call-1", -1), bytes("work"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.events.count("brokerRetryCoalesced:slow") == 1);
            assertThat(worker.receive(300)).as("no second copy for the worker").isNull();

            worker.send(EMPTY, W, REPLY, request.get(3), EMPTY, bytes("done"));
            assertThat(describe(retry.receive())).containsExactly("", "MDPC01", "slow", "done");
            assertThat(firstAttempt.receive(300)).as("the abandoned attempt gets nothing").isNull();
        }
        // The broker publishes its snapshot every 100 ms or so: it may lag the replies.
        await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().retriesCoalesced() >= 1);
        assertThat(this.broker.snapshot().retriesCoalesced()).isEqualTo(1);
    }

    @Test
    void callsWithDifferentIdsAreDifferentCalls() {
        startBroker((b) -> {
        });
        try (RawPeer worker = worker("svc", false); RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("svc"), px("a", -1), bytes("1"));
            List<byte[]> first = worker.receive();
            worker.send(EMPTY, W, REPLY, first.get(3), EMPTY, bytes("1"));
            client.send(EMPTY, C, bytes("svc"), px("b", -1), bytes("2"));
            List<byte[]> second = worker.receive();
            assertThat(describe(second.subList(5, 6))).containsExactly("2");
        }
        assertThat(this.events.count("brokerRetryCoalesced:svc")).isZero();
    }

    @Test
    void aRequestPastItsCallersDeadlineIsNeverHandedToAWorker() {
        startBroker((b) -> {
        });
        try (RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("later"), px("late", 50), bytes("too late"));
            client.send(EMPTY, C, bytes("later"), px("fine", 60_000), bytes("in time"));
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().services().stream()
                    .anyMatch((s) -> s.name().equals("later") && s.queued() == 2));
            long pastDeadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - pastDeadline > 0);
            try (RawPeer worker = worker("later", true)) {
                List<byte[]> request = worker.receive();
                assertThat(request).hasSize(7);
                byte[] pxFrame = request.get(5);
                assertThat(PirateExtension.isPxFrame(pxFrame)).isTrue();
                assertThat(PirateExtension.requestId(pxFrame)).isEqualTo(bytes("fine"));
                assertThat(PirateExtension.deadlineMillis(pxFrame)).isBetween(1L, 60_000L);
                assertThat(describe(request.subList(6, 7))).containsExactly("in time");
                worker.send(EMPTY, W, REPLY, request.get(3), EMPTY, bytes("ok"));
                assertThat(describe(client.receive())).containsExactly("", "MDPC01", "later", "ok");
                assertThat(worker.receive(300)).as("the late request is dropped, not handed over").isNull();
            }
        }
        assertThat(this.events.count("brokerRequestExpired:later")).isEqualTo(1);
    }

    @Test
    void aPlainWorkerNeverSeesThePxFrameEvenWhenTheRequestHasAnIdAndADeadline() {
        startBroker((b) -> {
        });
        try (RawPeer worker = worker("plain", false); RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("plain"), px("id", 5000), bytes("a"), bytes("b"));
            List<byte[]> request = worker.receive();
            assertThat(describe(request.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
            assertThat(describe(request.subList(4, request.size()))).containsExactly("", "a", "b");
        }
    }

    @Test
    void aServiceWithoutWorkersIsUnknownToPirateClientsAfterTheGraceButForeignClientsWait() {
        // A new broker calls a service unknown only once its restarted workers could be back: short here.
        startBroker((b) -> b.heartbeatInterval(Duration.ofMillis(50)).liveness(2)
                .unknownServiceGrace(Duration.ofMillis(200)).workerReturnTime(Duration.ofMillis(200)));
        try (RawPeer pirate = peer(); RawPeer foreign = peer()) {
            pirate.send(EMPTY, C, bytes("ghost"), PirateExtension.PX_FRAME, bytes("anyone?"));
            foreign.send(EMPTY, C, bytes("ghost"), bytes("anyone?"));
            List<byte[]> refusal = pirate.receive();
            assertThat(refusal).hasSize(6);
            assertThat(describe(refusal.subList(4, 5))).containsExactly("unknown-service");
            pirate.send(EMPTY, C, bytes("ghost"), PirateExtension.PX_FRAME, bytes("still?"));
            assertThat(describe(pirate.receive().subList(4, 5))).as("refused at once now")
                    .containsExactly("unknown-service");
            assertThat(foreign.receive(300)).as("MDP/0.1 behaviour for a foreign client").isNull();
            // A fresh connection can stall in its handshake for a second (JeroMQ 0.6.0): wait until
            // the foreign request is really queued before a worker comes.
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().services().stream()
                    .anyMatch((service) -> service.name().equals("ghost") && service.queued() == 1));
            try (RawPeer worker = peer()) {
                // No wait for the registration: with 50 ms heartbeats a silent raw worker would
                // expire; the waiting request is handed over at READY.
                worker.send(EMPTY, W, READY, bytes("ghost"));
                List<byte[]> request = worker.receive();
                assertThat(describe(request.subList(5, 6))).as("the foreign client's request waited")
                        .containsExactly("anyone?");
            }
        }
        assertThat(this.events.count("brokerRequestRefused:unknown-service")).isEqualTo(2);
    }
}
