package dev.pirate.broker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;

/**
 * Worker credit at the broker ({@code docs/rfc/px-1.md}, section 5.1), frame for frame with scripted
 * workers: tickets, the credit never exceeded, least-loaded dispatch, replies checked against what
 * the worker holds, and every held request requeued when the worker goes.
 */
@Timeout(60)
class BrokerWorkerCreditTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] READY = { 1 };

    private static final byte[] REPLY = { 3 };

    private static final byte[] DISCONNECT = { 5 };

    private static final int SHORT_WAIT_MILLIS = 300;

    private MajordomoBroker broker;

    @BeforeEach
    void startBroker() {
        this.broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").heartbeatInterval(Duration.ofSeconds(10))
                .maxWorkerCredit(50).build();
        this.broker.start();
    }

    @AfterEach
    void stopBroker() {
        this.broker.close();
    }

    private RawPeer peer() {
        return RawPeer.connect(SocketType.DEALER, this.broker.connectEndpoint());
    }

    private RawPeer creditWorker(String service, int credit) {
        int expected = this.broker.snapshot().workers() + 1;
        RawPeer worker = peer();
        worker.send(EMPTY, W, READY, bytes(service), PirateExtension.readyFrame(credit));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == expected);
        return worker;
    }

    private static void request(RawPeer client, String service, String body) {
        client.send(EMPTY, C, bytes(service), bytes(body));
    }

    /** Receives requests until none comes for a short while. */
    private static List<List<byte[]>> drain(RawPeer worker) {
        List<List<byte[]>> received = new ArrayList<>();
        List<byte[]> next;
        while ((next = worker.receive(received.isEmpty() ? 5000 : SHORT_WAIT_MILLIS)) != null) {
            if (next.size() > 3) {
                received.add(next);
            }
        }
        return received;
    }

    private static void reply(RawPeer worker, List<byte[]> request, String body) {
        worker.send(EMPTY, W, REPLY, request.get(3), EMPTY, PirateExtension.replyFrame(ticketOf(request)), bytes(body));
    }

    private static long ticketOf(List<byte[]> request) {
        return PirateExtension.ticket(request.get(5));
    }

    @Test
    void aCreditedWorkerHoldsUpToItsCreditEachRequestWithItsOwnTicket() {
        try (RawPeer client = peer(); RawPeer worker = creditWorker("bulk", 3)) {
            for (int i = 0; i < 5; i++) {
                request(client, "bulk", "r" + i);
            }
            List<List<byte[]>> held = drain(worker);
            assertThat(held).hasSize(3);
            Set<Long> tickets = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                List<byte[]> request = held.get(i);
                assertThat(describe(request.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
                assertThat(request.get(4)).isEmpty();
                assertThat(PirateExtension.isPxFrame(request.get(5))).isTrue();
                assertThat(ticketOf(request)).isNotNegative();
                tickets.add(ticketOf(request));
                assertThat(text(request.get(6))).isEqualTo("r" + i);
            }
            assertThat(tickets).hasSize(3);

            reply(worker, held.get(1), "a1");
            List<byte[]> answer = client.receive();
            assertThat(describe(answer)).containsExactly("", "MDPC01", "bulk", "a1");
            List<List<byte[]>> next = drain(worker);
            assertThat(next).hasSize(1);
            assertThat(text(next.get(0).get(6))).isEqualTo("r3");
        }
    }

    @Test
    void theBrokerCapsCreditAtItsOwnLimit() {
        try (RawPeer client = peer(); RawPeer worker = creditWorker("capped", 60_000)) {
            for (int i = 0; i < 60; i++) {
                request(client, "capped", "r" + i);
            }
            assertThat(drain(worker)).hasSize(50);
        }
    }

    @Test
    void requestsGoToTheLeastLoadedWorker() {
        try (RawPeer client = peer(); RawPeer first = creditWorker("spread", 10);
                RawPeer second = creditWorker("spread", 10)) {
            for (int i = 0; i < 6; i++) {
                request(client, "spread", "r" + i);
            }
            assertThat(drain(first)).hasSize(3);
            assertThat(drain(second)).hasSize(3);
        }
    }

    @Test
    void aReplyWithATicketTheWorkerDoesNotHoldIsRejectedWithDisconnect() {
        try (RawPeer client = peer(); RawPeer worker = creditWorker("strict", 2)) {
            request(client, "strict", "real");
            List<byte[]> held = drain(worker).get(0);
            long forged = ticketOf(held) ^ 0x10000;
            worker.send(EMPTY, W, REPLY, held.get(3), EMPTY, PirateExtension.replyFrame(forged), bytes("forged"));
            assertThat(describe(worker.receive())).containsExactly("", "MDPW01", "0x05");
            assertThat(client.receive(SHORT_WAIT_MILLIS)).as("no reply reaches the client").isNull();
        }
    }

    @Test
    void aReplyWithoutTheTicketIsRejectedWithDisconnect() {
        try (RawPeer client = peer(); RawPeer worker = creditWorker("strict", 2)) {
            request(client, "strict", "real");
            List<byte[]> held = drain(worker).get(0);
            worker.send(EMPTY, W, REPLY, held.get(3), EMPTY, bytes("untagged"));
            assertThat(describe(worker.receive())).containsExactly("", "MDPW01", "0x05");
        }
    }

    @Test
    void aTicketAnsweredOnceCannotBeAnsweredAgain() {
        try (RawPeer client = peer(); RawPeer worker = creditWorker("once", 2)) {
            request(client, "once", "one");
            List<byte[]> held = drain(worker).get(0);
            reply(worker, held, "first");
            assertThat(describe(client.receive())).containsExactly("", "MDPC01", "once", "first");
            reply(worker, held, "second");
            assertThat(describe(worker.receive())).containsExactly("", "MDPW01", "0x05");
            assertThat(client.receive(SHORT_WAIT_MILLIS)).isNull();
        }
    }

    @Test
    void everyRequestADeadWorkerHeldGoesBackInOrderToAnotherWorker() {
        try (RawPeer client = peer()) {
            try (RawPeer quitter = creditWorker("job", 4)) {
                for (int i = 0; i < 4; i++) {
                    request(client, "job", "r" + i);
                }
                assertThat(drain(quitter)).hasSize(4);
                quitter.send(EMPTY, W, DISCONNECT);
                await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.snapshot().workers() == 0);
            }
            try (RawPeer heir = creditWorker("job", 8)) {
                List<List<byte[]>> requeued = drain(heir);
                assertThat(requeued).extracting((r) -> text(r.get(6))).containsExactly("r0", "r1", "r2", "r3");
                for (List<byte[]> request : requeued) {
                    reply(heir, request, "done-" + text(request.get(6)));
                }
                Set<String> answers = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    answers.add(text(client.receive().get(3)));
                }
                assertThat(answers).containsExactlyInAnyOrder("done-r0", "done-r1", "done-r2", "done-r3");
                assertThat(client.receive(SHORT_WAIT_MILLIS)).isNull();
            }
        }
    }

    @Test
    void aWorkerWithoutCreditGetsPlainRequestsOneAtATime() {
        try (RawPeer client = peer(); RawPeer worker = peer()) {
            worker.send(EMPTY, W, READY, bytes("plain"), PirateExtension.PX_FRAME);
            await().atMost(Duration.ofSeconds(10)).until(() -> this.broker.snapshot().workers() == 1);
            request(client, "plain", "a");
            request(client, "plain", "b");
            List<List<byte[]>> held = drain(worker);
            assertThat(held).hasSize(1);
            assertThat(ticketOf(held.get(0))).isEqualTo(-1);
        }
    }
}
