package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * The client's side of PX/1 ({@code docs/rfc/px-1.md}), frame for frame against a scripted broker,
 * and end to end against Pirate's broker.
 */
@Timeout(60)
class PirateExtensionClientTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] C = bytes("MDPC01");

    /** Receives the next message from the client at a scripted broker (a ROUTER). */
    private static List<byte[]> next(RawPeer broker) {
        List<byte[]> message = broker.receive();
        assertThat(message).as("a message from the client").isNotNull();
        return message;
    }

    @Test
    void theFirstCallAsksAndWaitsForTheAnswerSoItsRequestIsAlreadyMarkedWithItsIdAndDeadline() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER);
                MajordomoClient client = MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(5))
                    .retries(0).build()) {
            CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("one")));
            List<byte[]> question = next(broker);
            assertThat(describe(question.subList(1, question.size())))
                .containsExactly("", "MDPC01", "mmi.pirate", "PX1");
            assertThat(broker.receive(200)).as("the request waits for the answer").isNull();
            broker.send(question.get(0), EMPTY, C, bytes("mmi.pirate"), bytes("200"), bytes("PX1"));
            List<byte[]> marked = next(broker);
            assertThat(marked).hasSize(6);
            assertThat(describe(marked.subList(1, 4))).containsExactly("", "MDPC01", "echo");
            byte[] px = marked.get(4);
            assertThat(PirateExtension.isPxFrame(px) && PirateExtension.isWellFormed(px)).isTrue();
            assertThat(PirateExtension.requestId(px)).hasSize(16);
            assertThat(PirateExtension.deadlineMillis(px)).isBetween(1L, 5000L);
            assertThat(describe(marked.subList(5, 6))).containsExactly("one");
            broker.send(marked.get(0), EMPTY, C, bytes("echo"), bytes("one"));
            assertThat(first.join().get(0)).asString().isEqualTo("one");

            CompletableFuture<List<byte[]>> second = client.requestAsync("echo", List.of(bytes("two")));
            List<byte[]> next = next(broker);
            assertThat(PirateExtension.requestId(next.get(4))).as("a new call, a new id")
                .isNotEqualTo(PirateExtension.requestId(px));
            broker.send(next.get(0), EMPTY, C, bytes("echo"), PirateExtension.REFUSED_MARKER, bytes("overloaded"),
                    bytes("queue full"));
            assertThatThrownBy(second::join).cause().isInstanceOfSatisfying(PirateRefusedException.class, (refused) -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.OVERLOADED);
                assertThat(refused.isTransient()).isTrue();
                assertThat(refused.getMessage()).contains("overloaded", "queue full", "'echo'");
            });
        }
    }

    @Test
    void aQuestionLeftUnansweredLetsTheFirstRequestGoPlainAndALateAnswerStillCounts() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER);
                MajordomoClient client = MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(5))
                    .retries(0).build()) {
            CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("one")));
            List<byte[]> question = next(broker);
            List<byte[]> plain = next(broker);
            assertThat(describe(plain.subList(1, plain.size()))).as("no answer yet: plain MDP/0.1")
                .containsExactly("", "MDPC01", "echo", "one");
            broker.send(question.get(0), EMPTY, C, bytes("mmi.pirate"), bytes("200"), bytes("PX1"));
            broker.send(plain.get(0), EMPTY, C, bytes("echo"), bytes("one"));
            assertThat(first.join().get(0)).asString().isEqualTo("one");

            CompletableFuture<List<byte[]>> second = client.requestAsync("echo", List.of(bytes("two")));
            List<byte[]> marked = next(broker);
            assertThat(PirateExtension.isPxFrame(marked.get(4))).isTrue();
            broker.send(marked.get(0), EMPTY, C, bytes("echo"), bytes("two"));
            assertThat(second.join().get(0)).asString().isEqualTo("two");
        }
    }

    @Test
    void aBrokerThatAnswers501IsSpokenToInPlainMdpForever() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER);
                MajordomoClient client = MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(5))
                    .retries(0).build()) {
            CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("one")));
            List<byte[]> question = next(broker);
            List<byte[]> plain = next(broker);
            broker.send(question.get(0), EMPTY, C, bytes("mmi.pirate"), bytes("501"));
            broker.send(plain.get(0), EMPTY, C, bytes("echo"), bytes("one"));
            first.join();
            for (int i = 0; i < 5; i++) {
                CompletableFuture<List<byte[]>> later = client.requestAsync("echo", List.of(bytes("n" + i)));
                List<byte[]> request = next(broker);
                assertThat(describe(request.subList(1, request.size()))).as("no question, no PX frame")
                    .containsExactly("", "MDPC01", "echo", "n" + i);
                broker.send(request.get(0), EMPTY, C, bytes("echo"), bytes("n" + i));
                later.join();
            }
        }
    }

    @Test
    void aReplyThatLooksLikeARefusalIsAnOrdinaryReplyWhenTheRequestWasNotMarked() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER);
                MajordomoClient client = MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(5))
                    .retries(0).build()) {
            CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("one")));
            List<byte[]> question = next(broker);
            List<byte[]> plain = next(broker);
            assertThat(question).isNotEmpty();
            broker.send(plain.get(0), EMPTY, C, bytes("echo"), PirateExtension.REFUSED_MARKER, bytes("overloaded"),
                    bytes("a worker's own body"));
            assertThat(first.join()).hasSize(3);
        }
    }

    @Test
    void aPirateBrokerRefusesAtOnceAndTheClientDoesNotRetry() {
        RecordingListener events = new RecordingListener();
        try (MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").maxQueuedRequests(1)
            .unknownServiceGrace(Duration.ofMinutes(1)).build()) {
            broker.start();
            try (MajordomoWorker echo = MajordomoWorker.builder(broker.connectEndpoint(), "echo", (body) -> body).build();
                    MajordomoClient client = MajordomoClient.builder(broker.connectEndpoint())
                        .timeout(Duration.ofSeconds(2)).retries(3).listener(events).build()) {
                echo.start();
                // A first answered request: the negotiation's answer comes before its reply.
                assertThat(client.request("echo", bytes("hello"))).asString().isEqualTo("hello");
                // This one waits in the queue: no worker offers 'nobody', and the queue's limit is one.
                CompletableFuture<List<byte[]>> waiting = client.requestAsync("nobody", List.of(bytes("first")));
                await().atMost(Duration.ofSeconds(10)).until(() -> broker.snapshot().services().stream()
                    .anyMatch((s) -> s.name().equals("nobody") && s.queued() == 1));
                assertThatExceptionOfType(PirateRefusedException.class)
                    .isThrownBy(() -> client.request("nobody", bytes("second")))
                    .satisfies((ex) -> assertThat(ex.reason()).isEqualTo(RefusalReason.OVERLOADED));
                assertThat(events.count("clientRetry:nobody")).as("a refusal is never retried").isZero();
                assertThat(events.count("clientRequestCompleted:nobody:refused")).isOne();
                waiting.cancel(true);
            }
        }
    }
}
