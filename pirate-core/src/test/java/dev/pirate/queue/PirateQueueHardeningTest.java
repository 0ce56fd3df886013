package dev.pirate.queue;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.SocketType;

import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;
import dev.pirate.testing.StderrLines;

/**
 * What a {@link PirateQueue} does with input it must not trust: oversized and misaddressed messages,
 * floods of garbage, workers that die busy, listeners that throw, a loop that dies.
 */
@Timeout(30)
class PirateQueueHardeningTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] READY = { 0x01 };

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();

    private PirateQueue start(PirateQueue.Builder builder) {
        // Raw workers do not heartbeat: a long interval keeps Paranoid mode from expiring them mid-test.
        PirateQueue queue = this.resources.track(builder.heartbeatInterval(Duration.ofSeconds(5)).build());
        queue.start();
        return queue;
    }

    private PirateQueue start(QueueMode mode) {
        return start(PirateQueue.builder(mode, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*").listener(this.events));
    }

    private RawPeer dealer(String endpoint) {
        return this.resources.track(RawPeer.connect(SocketType.DEALER, endpoint));
    }

    /** A raw worker that said READY and is known to the queue. */
    private RawPeer readyWorker(PirateQueue queue, QueueMode mode) {
        int before = queue.snapshot().readyWorkers();
        RawPeer worker = dealer(queue.backendEndpoint());
        if (mode == QueueMode.SIMPLE) {
            worker.send(EMPTY, READY);
        }
        else {
            worker.send(READY);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().readyWorkers() == before + 1);
        return worker;
    }

    /** Receives a request on a raw worker and returns its frames after the queue's own prefix. */
    private static List<byte[]> request(RawPeer worker, QueueMode mode) {
        List<byte[]> frames = worker.receive();
        assertThat(frames).as("request").isNotNull();
        return (mode == QueueMode.SIMPLE) ? frames.subList(1, frames.size()) : frames;
    }

    private static void reply(RawPeer worker, QueueMode mode, byte[] client, String body) {
        if (mode == QueueMode.SIMPLE) {
            worker.send(EMPTY, client, EMPTY, bytes(body));
        }
        else {
            worker.send(client, EMPTY, bytes(body));
        }
    }

    @Test
    void aClientMessageOverTheFrameLimitIsDroppedAndCountedAsOversized() {
        PirateQueue queue = start(PirateQueue.builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .maxFrames(8)
            .listener(this.events));
        RawPeer worker = readyWorker(queue, QueueMode.PARANOID);
        RawPeer client = dealer(queue.frontendEndpoint());

        byte[][] tooMany = new byte[10][];
        tooMany[0] = EMPTY;
        for (int i = 1; i < tooMany.length; i++) {
            tooMany[i] = bytes("f" + i);
        }
        client.send(tooMany);
        client.send(EMPTY, bytes("small"));

        List<byte[]> request = request(worker, QueueMode.PARANOID);
        assertThat(text(request.get(request.size() - 1))).isEqualTo("small");
        assertThat(this.events.count("brokerMessageDropped:oversized")).isEqualTo(1);
        // The snapshot is published after the loop's turn, so after "small" went out: it may lag.
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().invalidMessages() >= 1);
        assertThat(queue.snapshot().invalidMessages()).isEqualTo(1);
    }

    @Test
    void aSingleFrameOverTheSizeLimitIsRefusedByZeroMqBeforeTheQueueReadsIt() {
        PirateQueue queue = start(PirateQueue.builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .maxMessageSize(1024)
            .listener(this.events));
        RawPeer worker = readyWorker(queue, QueueMode.PARANOID);

        dealer(queue.frontendEndpoint()).send(EMPTY, new byte[4096]);

        assertThat(worker.receive(500)).as("the oversized request never reaches a worker").isNull();
        // MAXMSGSIZE makes ZeroMQ drop the connection: the queue never even buffers the frame.
        assertThat(queue.snapshot().invalidMessages()).isZero();
        dealer(queue.frontendEndpoint()).send(EMPTY, bytes("small"));
        assertThat(text(request(worker, QueueMode.PARANOID).get(2))).isEqualTo("small");
    }

    @Test
    void aSimpleQueueForgetsAWorkerThatDiedBusy() {
        PirateQueue queue = start(PirateQueue.builder(QueueMode.SIMPLE, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .requestExpiry(Duration.ofMillis(300))
            .listener(this.events));
        RawPeer worker = readyWorker(queue, QueueMode.SIMPLE);
        dealer(queue.frontendEndpoint()).send(EMPTY, bytes("lost"));
        request(worker, QueueMode.SIMPLE);
        worker.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().busyWorkers() == 0);
        assertThat(queue.snapshot().workersExpired()).isEqualTo(1);
        assertThat(this.events.count("brokerWorkerExpired:spqueue")).isEqualTo(1);
    }

    @Test
    void aSimpleWorkerForgottenWhileSlowIsReadyAgainAfterItsLateReply() {
        PirateQueue queue = start(PirateQueue.builder(QueueMode.SIMPLE, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .requestExpiry(Duration.ofMillis(300)));
        RawPeer worker = readyWorker(queue, QueueMode.SIMPLE);
        RawPeer client = dealer(queue.frontendEndpoint());
        client.send(EMPTY, bytes("slow"));
        byte[] clientId = request(worker, QueueMode.SIMPLE).get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().workersExpired() == 1);

        reply(worker, QueueMode.SIMPLE, clientId, "late");

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().readyWorkers() == 1);
        client.send(EMPTY, bytes("next"));
        List<byte[]> next = request(worker, QueueMode.SIMPLE);
        assertThat(text(next.get(2))).isEqualTo("next");
        reply(worker, QueueMode.SIMPLE, next.get(0), "on time");
        assertThat(text(client.receive().get(1))).as("the late reply was dropped").isEqualTo("on time");
    }

    @ParameterizedTest
    @EnumSource(QueueMode.class)
    void aReplyAddressedToAnotherClientIsDropped(QueueMode mode) {
        PirateQueue queue = start(mode);
        RawPeer first = readyWorker(queue, mode);
        RawPeer second = readyWorker(queue, mode);
        RawPeer alice = dealer(queue.frontendEndpoint());
        RawPeer bob = dealer(queue.frontendEndpoint());
        alice.send(EMPTY, bytes("for alice"));
        request(first, mode);
        bob.send(EMPTY, bytes("for bob"));
        byte[] bobId = request(second, mode).get(0);

        reply(first, mode, bobId, "forged");
        await().atMost(Duration.ofSeconds(5))
            .until(() -> this.events.count("brokerMessageDropped:reply_mismatch") == 1);
        reply(second, mode, bobId, "right");

        assertThat(text(bob.receive().get(1))).isEqualTo("right");
        assertThat(bob.receive(200)).as("nothing else reaches bob").isNull();
        // A Paranoid worker that misaddresses is forgotten; a Simple (REQ) one has spent its turn.
        int expectedReady = (mode == QueueMode.PARANOID) ? 1 : 2;
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.snapshot().readyWorkers() == expectedReady);
        assertThat(queue.snapshot().busyWorkers()).isZero();
    }

    @Test
    void aFloodOfInvalidMessagesLogsAFewLinesNotOnePerMessage() {
        int flood = 5000;
        try (StderrLines log = StderrLines.capture()) {
            PirateQueue queue = start(QueueMode.PARANOID);
            RawPeer garbage = dealer(queue.backendEndpoint());
            for (int i = 0; i < flood; i++) {
                garbage.send(new byte[] { 0x09 });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> queue.snapshot().invalidMessages() == flood);

            assertThat(this.events.count("brokerMessageDropped:unknown_command")).isEqualTo(flood);
            assertThat(log.count("Queue dropped an invalid message")).isBetween(1L, 20L);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheQueue() {
        PirateQueue queue = start(PirateQueue.builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .listener(new dev.pirate.event.PirateListener() {
                @Override
                public void brokerWorkerRegistered(String service) {
                    throw new IllegalStateException("listener bug");
                }
            }));
        RawPeer worker = readyWorker(queue, QueueMode.PARANOID);
        RawPeer client = dealer(queue.frontendEndpoint());
        client.send(EMPTY, bytes("ahoy"));
        List<byte[]> request = request(worker, QueueMode.PARANOID);
        reply(worker, QueueMode.PARANOID, request.get(0), "AHOY");

        assertThat(text(client.receive().get(1))).isEqualTo("AHOY");
        assertThat(queue.isRunning()).isTrue();
    }

    @Test
    void anErrorThatKillsTheLoopStopsTheQueueLoudly() {
        AtomicReference<String> failedComponent = new AtomicReference<>();
        Error fatal = new OutOfMemoryError("test: no memory for a worker");
        PirateQueue queue = start(PirateQueue.builder(QueueMode.PARANOID, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
            .listener(new dev.pirate.event.PirateListener() {
                @Override
                public void brokerWorkerRegistered(String service) {
                    throw fatal;
                }

                @Override
                public void loopFailed(String component, Throwable cause) {
                    failedComponent.set(component);
                }
            }));
        dealer(queue.backendEndpoint()).send(READY);

        await().atMost(Duration.ofSeconds(5)).until(() -> !queue.isRunning());
        assertThat(queue.failure()).isSameAs(fatal);
        // The listener hears it as the loop thread ends, just after the queue stops counting as running.
        await().atMost(Duration.ofSeconds(5)).until(() -> failedComponent.get() != null);
        assertThat(failedComponent.get()).isEqualTo("pirate-queue-paranoid");
        assertThat(queue.snapshot().running()).isFalse();
    }

    @Test
    void buildRejectsAnEndpointWithoutTransportNamingTheSetting() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> PirateQueue.builder(QueueMode.SIMPLE, "localhost:5555", "tcp://*:5556").build())
            .withMessageContaining("frontend")
            .withMessageContaining("localhost:5555");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> PirateQueue.builder(QueueMode.SIMPLE, "tcp://*:5555", "tcp://*:99999").build())
            .withMessageContaining("backend");
    }
}
