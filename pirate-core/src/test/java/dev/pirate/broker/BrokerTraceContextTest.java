package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;

/**
 * The PX/1 trace context field ({@code docs/rfc/px-1.md}, section 3.1), frame for frame: its octets,
 * the broker carrying it unchanged from a client's PX frame to a PX/1 worker's, a foreign worker
 * seeing none of it, and an invalid one ignored without costing the call.
 */
@Timeout(60)
class BrokerTraceContextTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] READY = { 1 };

    private static final byte[] REPLY = { 3 };

    private MajordomoBroker broker;

    @BeforeEach
    void startBroker() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofSeconds(10))
            .unknownServiceGrace(Duration.ofMinutes(1)).build();
        this.broker.start();
    }

    @AfterEach
    void stopBroker() {
        this.broker.close();
    }

    @Test
    void theTraceContextFieldIsType3LengthAndTheAsciiValueAfterTheOtherFields() {
        byte[] alone = PirateExtension.pxFrame(null, -1, bytes(TRACEPARENT));
        assertThat(alone).isEqualTo(concat(new byte[] { 0, 'P', 'X', '1', 0x03, 55 }, bytes(TRACEPARENT)));

        byte[] all = PirateExtension.pxFrame(bytes("id"), 258, bytes(TRACEPARENT));
        assertThat(all).isEqualTo(concat(new byte[] { 0, 'P', 'X', '1', 0x01, 2, 'i', 'd', 0x02, 4, 0, 0, 1, 2, 0x03, 55 },
                bytes(TRACEPARENT)));
        assertThat(PirateExtension.isWellFormed(all)).isTrue();
        assertThat(PirateExtension.traceContext(all)).isEqualTo(bytes(TRACEPARENT));
        assertThat(PirateExtension.requestId(all)).isEqualTo(bytes("id"));
        assertThat(PirateExtension.deadlineMillis(all)).isEqualTo(258);
        assertThat(PirateExtension.pxFrame(bytes("id"), 258)).as("without a trace context, as before")
            .isEqualTo(new byte[] { 0, 'P', 'X', '1', 0x01, 2, 'i', 'd', 0x02, 4, 0, 0, 1, 2 });
    }

    @Test
    void aTraceContextOverTheBoundOrWithSpacesIsNotOne() {
        assertThat(PirateExtension.isValidTraceContext(bytes("x".repeat(128)))).isTrue();
        assertThat(PirateExtension.isValidTraceContext(bytes("x".repeat(129)))).isFalse();
        assertThat(PirateExtension.isValidTraceContext(bytes("a b"))).isFalse();
        assertThat(PirateExtension.isValidTraceContext(EMPTY)).isFalse();
        byte[] withSpace = concat(new byte[] { 0, 'P', 'X', '1', 0x03, 3 }, bytes("a b"));
        assertThat(PirateExtension.traceContext(withSpace)).isNull();
    }

    @Test
    void theBrokerCarriesTheTraceContextUnchangedToAPirateWorker() {
        try (RawPeer worker = worker("traced", true); RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("traced"), PirateExtension.pxFrame(bytes("call"), 60_000, bytes(TRACEPARENT)),
                    bytes("body"));
            List<byte[]> request = worker.receive();
            assertThat(request).hasSize(7);
            byte[] px = request.get(5);
            assertThat(PirateExtension.traceContext(px)).isEqualTo(bytes(TRACEPARENT));
            assertThat(PirateExtension.requestId(px)).isEqualTo(bytes("call"));
            assertThat(describe(request.subList(6, 7))).containsExactly("body");
            worker.send(EMPTY, W, REPLY, request.get(3), EMPTY, bytes("ok"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "traced", "ok");
        }
    }

    @Test
    void aForeignWorkerGetsPlainMdpWithoutTheTraceContext() {
        try (RawPeer worker = worker("plain", false); RawPeer client = peer()) {
            client.send(EMPTY, C, bytes("plain"), PirateExtension.pxFrame(null, -1, bytes(TRACEPARENT)), bytes("body"));
            List<byte[]> request = worker.receive();
            assertThat(request).hasSize(6);
            assertThat(describe(request.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
            assertThat(describe(request.subList(4, 6))).containsExactly("", "body");
        }
    }

    @Test
    void anInvalidTraceContextIsDroppedAndTheRequestStillServed() {
        try (RawPeer worker = worker("traced", true); RawPeer client = peer()) {
            byte[] px = concat(new byte[] { 0, 'P', 'X', '1', 0x03, 3 }, bytes("a b"));
            client.send(EMPTY, C, bytes("traced"), px, bytes("body"));
            List<byte[]> request = worker.receive();
            assertThat(request).hasSize(7);
            assertThat(PirateExtension.traceContext(request.get(5))).isNull();
            assertThat(request.get(5)).as("an empty PX frame").isEqualTo(PirateExtension.PX_FRAME);
            worker.send(EMPTY, W, REPLY, request.get(3), EMPTY, bytes("ok"));
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "traced", "ok");
        }
    }

    private RawPeer peer() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    private RawPeer worker(String service, boolean pirate) {
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

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
