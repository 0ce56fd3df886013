package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.RequestHandler;

/**
 * Tests for {@link MajordomoPipeline}: many requests in flight on one socket, replies in any order.
 */
@Timeout(60)
class MajordomoPipelineTest {

    private static final byte[] EMPTY = new byte[0];

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    final Resources resources = new Resources();

    private MajordomoBroker broker;

    @BeforeEach
    void startBroker() {
        this.broker = this.resources.track(MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build());
        this.broker.start();
    }

    private void worker(String service, int concurrency, RequestHandler handler) {
        MajordomoWorker worker = this.resources.track(
                MajordomoWorker.builder(this.broker.connectEndpoint(), service, handler).concurrency(concurrency).build());
        worker.start();
    }

    @Test
    void sendsMdpClientFramesAndReturnsServiceAndBody() {
        try (RawPeer fakeBroker = RawPeer.bind(SocketType.ROUTER);
                MajordomoPipeline pipeline = MajordomoPipeline.connect(fakeBroker.endpoint(), 10)) {
            pipeline.send("echo", List.of(bytes("a"), bytes("b")));
            pipeline.send("echo", bytes("c"));

            List<byte[]> first = fakeBroker.receive();
            List<byte[]> second = fakeBroker.receive();
            assertThat(describe(first.subList(1, first.size()))).containsExactly("", "MDPC01", "echo", "a", "b");
            assertThat(describe(second.subList(1, second.size()))).containsExactly("", "MDPC01", "echo", "c");

            fakeBroker.send(first.get(0), EMPTY, bytes("MDPC01"), bytes("echo"), bytes("A"), bytes("B"));
            MajordomoPipeline.Reply reply = pipeline.receive(PATIENCE);
            assertThat(reply.service()).isEqualTo("echo");
            assertThat(reply.body()).extracting(RawPeer::text).containsExactly("A", "B");
            assertThat(reply.isError()).isFalse();
        }
    }

    @Test
    void manyRequestsInFlightThroughTheBrokerEachComeBackOnce() {
        worker("echo", 4, (body) -> body);
        int requests = 500;
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(this.broker.connectEndpoint(), requests)) {
            for (int i = 0; i < requests; i++) {
                pipeline.send("echo", bytes("job-" + i));
            }
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                MajordomoPipeline.Reply reply = pipeline.receive(PATIENCE);
                assertThat(reply).as("reply %d of %d", i + 1, requests).isNotNull();
                assertThat(reply.service()).isEqualTo("echo");
                replies.add(text(reply.body().get(0)));
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < requests; i++) {
                expected.add("job-" + i);
            }
            assertThat(replies).doesNotHaveDuplicates();
            assertThat(new HashSet<>(replies)).isEqualTo(expected);
            assertThat(pipeline.receive(Duration.ofMillis(100))).isNull();
        }
    }

    @Test
    void repliesNameTheServiceThatAnswered() {
        worker("upper", 1, (body) -> List.of(bytes(text(body.get(0)).toUpperCase())));
        worker("echo", 1, (body) -> body);
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(this.broker.connectEndpoint(), 10)) {
            pipeline.send("upper", bytes("ahoy"));
            pipeline.send("echo", bytes("ahoy"));

            Set<String> answers = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                MajordomoPipeline.Reply reply = pipeline.receive(PATIENCE);
                answers.add(reply.service() + ":" + text(reply.body().get(0)));
            }
            assertThat(answers).containsExactlyInAnyOrder("upper:AHOY", "echo:ahoy");
        }
    }

    @Test
    void aFailedHandlerArrivesAsAnErrorReply() {
        worker("failing", 1, (body) -> {
            throw new IllegalStateException("out of rum");
        });
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(this.broker.connectEndpoint(), 10)) {
            pipeline.send("failing", bytes("x"));

            MajordomoPipeline.Reply reply = pipeline.receive(PATIENCE);
            assertThat(reply.isError()).isTrue();
            assertThat(reply.errorMessage()).contains("failing", "out of rum");
        }
    }

    @Test
    void receiveReturnsNullWhenNoReplyComesInTime() {
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(this.broker.connectEndpoint(), 10)) {
            pipeline.send("nobody", bytes("x"));
            long start = System.nanoTime();

            // Generous: only a receive that ignores its timeout and hangs can fail the limit.
            MajordomoPipeline.Reply reply = assertTimeout(Duration.ofSeconds(30),
                    () -> pipeline.receive(Duration.ofMillis(300)));
            assertThat(reply).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited the timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(290));
        }
    }

    @Test
    void messagesThatAreNotClientRepliesAreSkipped() {
        try (RawPeer fakeBroker = RawPeer.bind(SocketType.ROUTER);
                MajordomoPipeline pipeline = MajordomoPipeline.connect(fakeBroker.endpoint(), 10)) {
            pipeline.send("echo", bytes("x"));
            byte[] client = fakeBroker.receive().get(0);
            fakeBroker.send(client, EMPTY, bytes("MDPW01"), bytes("echo"), bytes("junk"));
            fakeBroker.send(client, bytes("no delimiter"));
            fakeBroker.send(client, EMPTY, bytes("MDPC01"), bytes("echo"), bytes("x"));

            MajordomoPipeline.Reply reply = pipeline.receive(PATIENCE);
            assertThat(text(reply.body().get(0))).isEqualTo("x");
        }
    }

    @Test
    void rejectsInvalidServiceNamesEmptyBodiesAndNoRoomInFlight() {
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(this.broker.connectEndpoint(), 10)) {
            assertThatThrownBy(() -> pipeline.send("two words", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two words'");
            assertThatThrownBy(() -> pipeline.send("echo", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one body frame");
        }
        assertThatThrownBy(() -> MajordomoPipeline.connect(this.broker.connectEndpoint(), 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight");
    }
}
