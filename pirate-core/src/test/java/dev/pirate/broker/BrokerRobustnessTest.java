package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.client.MajordomoClient;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * Junk and out-of-order commands: the broker drops and counts them, sends DISCONNECT to the worker
 * that sent them, and keeps serving a healthy worker.
 */
@Timeout(30)
class BrokerRobustnessTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] C = bytes("MDPC01");

    private final RecordingListener events = new RecordingListener();

    private MajordomoBroker broker;

    private MajordomoWorker healthy;

    private MajordomoClient client;

    @BeforeEach
    void start() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofSeconds(10))
                .maxMessageSize(4096).listener(this.events).build();
        this.broker.start();
        this.healthy = MajordomoWorker.builder(this.broker.connectEndpoint(), "echo", (body) -> body).build();
        this.healthy.start();
        this.client = MajordomoClient.builder(this.broker.connectEndpoint()).timeout(Duration.ofSeconds(2)).retries(1)
                .build();
    }

    @AfterEach
    void stop() {
        this.client.close();
        this.healthy.close();
        this.broker.close();
    }

    private void assertStillServing() {
        assertThat(this.client.request("echo", bytes("still here"))).asString().isEqualTo("still here");
    }

    private void assertDisconnected(RawPeer worker, String reason) {
        List<byte[]> reply = worker.receive();
        assertThat(reply).as("DISCONNECT for " + reason).isNotNull();
        assertThat(describe(reply)).containsExactly("", "MDPW01", "0x05");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> this.events.count("brokerMessageDropped:" + reason) == 1
                        && this.events.count("brokerDisconnectSent:" + reason) == 1);
        assertStillServing();
    }

    private RawPeer rawWorker() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    @Test
    void heartbeatBeforeReadyGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x04 });
            assertDisconnected(worker, "unexpected_command");
        }
    }

    @Test
    void replyBeforeReadyGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x03 }, bytes("someone"), EMPTY, bytes("x"));
            assertDisconnected(worker, "unexpected_command");
        }
    }

    @Test
    void secondReadyGetsDisconnectAndTheWorkerIsForgotten() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x01 }, bytes("twice"));
            worker.send(EMPTY, W, new byte[] { 0x01 }, bytes("twice"));
            assertDisconnected(worker, "unexpected_command");
            await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().services().stream()
                    .noneMatch((s) -> s.name().equals("twice") && s.idleWorkers() + s.busyWorkers() > 0));
        }
    }

    @Test
    void readyForAnMmiServiceGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x01 }, bytes("mmi.service"));
            assertDisconnected(worker, "reserved_service");
        }
    }

    @Test
    void unknownCommandByteGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x09 });
            assertDisconnected(worker, "unknown_command");
        }
    }

    @Test
    void readyWithoutServiceGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x01 });
            assertDisconnected(worker, "missing_frames");
        }
    }

    @Test
    void readyWithEmptyServiceGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x01 }, EMPTY);
            assertDisconnected(worker, "bad_service");
        }
    }

    @Test
    void requestCommandFromAWorkerGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x02 }, bytes("x"), EMPTY, bytes("y"));
            assertDisconnected(worker, "unexpected_command");
        }
    }

    @Test
    void oversizedWorkerMessageGetsDisconnect() {
        try (RawPeer worker = rawWorker()) {
            worker.send(EMPTY, W, new byte[] { 0x01 }, bytes("big"), new byte[3000], new byte[3000]);
            assertDisconnected(worker, "oversized");
        }
    }

    @Test
    void malformedClientMessagesAreDroppedAndCounted() {
        try (RawPeer junk = rawWorker()) {
            junk.send(bytes("no delimiter"));
            junk.send(EMPTY, bytes("XXXX01"), bytes("echo"), bytes("x"));
            junk.send(EMPTY, C, bytes("echo"));
            junk.send(EMPTY, C, EMPTY, bytes("x"));
            junk.send(EMPTY, C, bytes("bad name"), bytes("x"));
            junk.send(EMPTY, C, bytes("echo"), new byte[2000], new byte[2000], new byte[2000]);
            await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().invalidMessages() == 6);
            assertThat(this.events.count("brokerMessageDropped:bad_header")).isEqualTo(2);
            assertThat(this.events.count("brokerMessageDropped:missing_frames")).isEqualTo(1);
            assertThat(this.events.count("brokerMessageDropped:bad_service")).isEqualTo(2);
            assertThat(this.events.count("brokerMessageDropped:oversized")).isEqualTo(1);
            assertThat(junk.receive(200)).as("clients get no DISCONNECT").isNull();
            assertStillServing();
        }
    }

    @Test
    void aFloodOfJunkDoesNotStopTheBroker() {
        try (RawPeer junk = rawWorker()) {
            for (int i = 0; i < 5000; i++) {
                junk.send(bytes("junk " + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().invalidMessages() == 5000);
            assertStillServing();
        }
    }

    @Test
    void requestsForAServiceThatNeverGetsAWorkerExpire() {
        this.broker.close();
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofMillis(50))
                .requestExpiry(Duration.ofMillis(200)).listener(this.events).build();
        this.broker.start();
        try (RawPeer client = RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint())) {
            client.send(EMPTY, C, bytes("nobody"), bytes("hello?"));
            await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().requestsExpired() == 1);
            assertThat(this.events.count("brokerRequestExpired:nobody")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5))
                .until(() -> this.broker.snapshot().services().stream().noneMatch((s) -> s.name().equals("nobody")));
        }
    }
}
