package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.testing.RawPeer;

/**
 * Golden-frame conformance of {@link MajordomoBroker} against MDP/0.1 and MMI, with raw JeroMQ
 * sockets as clients and workers.
 */
@Timeout(30)
class BrokerGoldenFramesTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] C = bytes("MDPC01");

    private MajordomoBroker broker;

    @BeforeEach
    void startBroker() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofSeconds(10))
                .build();
        this.broker.start();
    }

    @AfterEach
    void stopBroker() {
        this.broker.close();
    }

    private RawPeer worker(String service) {
        RawPeer worker = RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
        worker.send(EMPTY, W, new byte[] { 0x01 }, bytes(service));
        return worker;
    }

    private RawPeer client() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    @Test
    void requestAndReplyCrossTheBrokerFrameForFrame() {
        try (RawPeer worker = worker("echo"); RawPeer client = client()) {
            client.send(EMPTY, C, bytes("echo"), bytes("hello"), bytes("world"));

            List<byte[]> request = worker.receive();
            assertThat(request).hasSize(7);
            assertThat(describe(request.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
            byte[] clientAddress = request.get(3);
            assertThat(clientAddress).isNotEmpty();
            assertThat(describe(request.subList(4, 7))).containsExactly("", "hello", "world");

            worker.send(EMPTY, W, new byte[] { 0x03 }, clientAddress, EMPTY, bytes("HELLO"), bytes("WORLD"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "echo", "HELLO", "WORLD");
        }
    }

    @Test
    void requestsWaitInFifoOrderForAWorker() {
        try (RawPeer client = client()) {
            client.send(EMPTY, C, bytes("late"), bytes("1"));
            client.send(EMPTY, C, bytes("late"), bytes("2"));
            try (RawPeer worker = worker("late")) {
                for (String expected : List.of("1", "2")) {
                    List<byte[]> request = worker.receive();
                    assertThat(RawPeer.text(request.get(5))).isEqualTo(expected);
                    worker.send(EMPTY, W, new byte[] { 0x03 }, request.get(3), EMPTY, request.get(5));
                    assertThat(describe(client.receive())).containsExactly("", "MDPC01", "late", expected);
                }
            }
        }
    }

    @Test
    void requestsGoToTheLeastRecentlyUsedWorker() {
        try (RawPeer first = worker("lru"); RawPeer client = client()) {
            awaitWorkers("lru", 1);
            RawPeer second = worker("lru");
            awaitWorkers("lru", 2);
            client.send(EMPTY, C, bytes("lru"), bytes("a"));
            List<byte[]> a = first.receive();
            assertThat(a).isNotNull();
            first.send(EMPTY, W, new byte[] { 0x03 }, a.get(3), EMPTY, bytes("a"));
            client.receive();
            client.send(EMPTY, C, bytes("lru"), bytes("b"));
            assertThat(second.receive()).isNotNull();
            second.close();
        }
    }

    @Test
    void brokerHeartbeatsRegisteredWorkers() {
        this.broker.close();
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofMillis(100))
                .build();
        this.broker.start();
        try (RawPeer worker = worker("beat")) {
            assertThat(describe(worker.receive(2000))).containsExactly("", "MDPW01", "0x04");
        }
    }

    @Test
    void mmiServiceAnswers200ForAServiceWithAWorkerAnd404Otherwise() {
        try (RawPeer worker = worker("echo"); RawPeer client = client()) {
            awaitWorkers("echo", 1);
            client.send(EMPTY, C, bytes("mmi.service"), bytes("echo"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.service", "200");
            client.send(EMPTY, C, bytes("mmi.service"), bytes("nobody"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.service", "404");
        }
    }

    @Test
    void otherMmiServicesAnswer501() {
        try (RawPeer client = client()) {
            client.send(EMPTY, C, bytes("mmi.echo"), bytes("x"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "mmi.echo", "501");
        }
    }

    @Test
    void workerDisconnectWhileBusyRequeuesItsRequestForAnotherWorker() {
        try (RawPeer client = client()) {
            try (RawPeer quitter = worker("job")) {
                client.send(EMPTY, C, bytes("job"), bytes("work"));
                assertThat(quitter.receive()).isNotNull();
                quitter.send(EMPTY, W, new byte[] { 0x05 });
                awaitWorkers("job", 0);
            }
            try (RawPeer second = worker("job")) {
                List<byte[]> request = second.receive();
                assertThat(RawPeer.text(request.get(5))).isEqualTo("work");
            }
        }
    }

    @Test
    void stoppingTheBrokerSendsDisconnectToWorkers() {
        try (RawPeer worker = worker("bye")) {
            awaitWorkers("bye", 1);
            this.broker.close();
            assertThat(describe(worker.receive())).containsExactly("", "MDPW01", "0x05");
        }
    }

    private void awaitWorkers(String service, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> this.broker.snapshot().services().stream()
                        .filter((s) -> s.name().equals(service))
                        .mapToInt((s) -> s.idleWorkers() + s.busyWorkers()).sum() == count);
    }
}
