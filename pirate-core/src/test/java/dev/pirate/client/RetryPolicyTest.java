package dev.pirate.client;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import dev.pirate.protocol.ErrorReply;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.support.FrameBuffer;
import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;

/**
 * Issue 11, the client's half: retries that never multiply work. Attempts are paced by a back-off,
 * a call deadline cuts them, every attempt of a call carries the same request id and deadline, and
 * an answer (a refusal, a handler failure) is never retried.
 */
@Timeout(60)
class RetryPolicyTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] MDPC01 = bytes("MDPC01");

    /** Sends at once after a timeout, as the client did before back-off existed. */
    private static final Backoff NO_PAUSE = Backoff.exponential(Duration.ZERO, 1, Duration.ZERO);

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();

    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    @Test
    void attemptsArePacedByTheBackoffNotSentBackToBack() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        Duration timeout = Duration.ofMillis(100);
        Duration initial = Duration.ofMillis(400);
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).timeout(timeout).retries(3)
            .backoff(Backoff.exponential(initial, 1, initial)).listener(this.events).build());
        CompletableFuture<List<byte[]>> call = client.requestAsync("echo", List.of(bytes("x")));
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(ForeignBroker.nextRequest(broker)).as("attempt %d", i + 1).isNotNull();
            arrivals.add(System.nanoTime());
        }
        // Equal jitter pauses at least half the back-off; the margin absorbs the first attempt's
        // connection set-up, which delays its arrival but not its timer.
        long atLeast = timeout.plus(initial.dividedBy(2)).minusMillis(50).toNanos();
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before attempt %d, in ns", i + 1)
                .isGreaterThanOrEqualTo(atLeast);
        }
        assertThatThrownBy(call::join).hasCauseInstanceOf(PirateException.class);
        assertThat(this.events.count("clientRetry:echo")).isEqualTo(3);
    }

    @Test
    void aDeadlineStopsFurtherAttemptsAndTheCallFailsAsATimeout() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).listener(this.events).build());
        CallOptions options = CallOptions.of(Duration.ofMillis(300), 10).withBackoff(NO_PAUSE)
            .withDeadline(Duration.ofMillis(1000));
        CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> countRequests(broker, 2000));

        assertThatThrownBy(() -> client.request("echo", List.of(bytes("x")), options))
            .isInstanceOfSatisfying(PirateTimeoutException.class, (ex) -> {
                // Sent at about 0, 300, 600 and 900 ms; the fourth waits only until 1000 ms.
                assertThat(ex.attempts()).isBetween(3, 4);
                assertThat(ex.elapsed()).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1900));
            });
        assertThat(received.join()).as("requests the broker saw, no mmi.service question among them")
            .isBetween(3, 4);
        assertThat(this.events.count("clientRequestCompleted:echo:timeout")).isEqualTo(1);
    }

    @Test
    void aDeadlineCutsTheWaitOfTheAttemptInProgressOnTheAsyncPath() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofSeconds(20))
            .retries(3).deadline(Duration.ofMillis(500)).build());
        // A first call (with a long deadline) that is answered: the connection and the PX/1 question
        // are then behind us, so the 500 ms deadline below is spent waiting for the reply, not on a
        // connection that a busy machine is slow to make (once, the request did not even leave
        // within the deadline).
        CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("first")),
                client.defaults().withDeadline(Duration.ofSeconds(30)));
        List<byte[]> firstRequest = ForeignBroker.nextRequest(broker);
        assertThat(firstRequest).isNotNull();
        broker.send(firstRequest.get(0), EMPTY, MDPC01, bytes("echo"), bytes("first"));
        assertThat(text(first.join().get(0))).isEqualTo("first");

        CompletableFuture<List<byte[]>> call = client.requestAsync("echo", List.of(bytes("x")));
        assertThat(ForeignBroker.nextRequest(broker)).isNotNull();
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOfSatisfying(PirateTimeoutException.class, (ex) -> {
                assertThat(ex.attempts()).isEqualTo(1);
                assertThat(ex.elapsed()).isBetween(Duration.ofMillis(500), Duration.ofMillis(5000));
            });
        assertThat(broker.receive(300)).as("no attempt and no probe after the deadline").isNull();
    }

    @Test
    void everyAttemptOfACallCarriesTheSameRequestIdAndDeadline() {
        RawPeer server = track(RawPeer.bind(SocketType.ROUTER));
        RecordingWire wire = new RecordingWire();
        ClientEngine engine = track(DirectClient.builder(server.endpoint()).timeout(Duration.ofMillis(100))
            .backoff(NO_PAUSE).engine(wire));
        CallOptions options = engine.defaults().withRetries(2).withDeadline(Duration.ofSeconds(5));

        assertThatThrownBy(() -> engine.call("server", List.of(bytes("first")), options))
            .isInstanceOf(PirateTimeoutException.class);
        assertThatThrownBy(() -> engine.callAsync("server", List.of(bytes("second")), options).join())
            .hasCauseInstanceOf(PirateTimeoutException.class);

        assertThat(wire.sent).hasSize(6);
        List<CallMeta> first = wire.sent.subList(0, 3);
        List<CallMeta> second = wire.sent.subList(3, 6);
        for (List<CallMeta> call : List.of(first, second)) {
            assertThat(call).extracting(CallMeta::requestId).allSatisfy((id) -> assertThat(id)
                .hasSize(16).isEqualTo(call.get(0).requestId()));
            assertThat(call).extracting(CallMeta::deadlineNanos).containsOnly(call.get(0).deadlineNanos());
        }
        assertThat(second.get(0).requestId()).isNotEqualTo(first.get(0).requestId());
        assertThat(wire.remainingAtFirstSend).isBetween(4000L, 5000L);
    }

    @Test
    void aRefusalIsNeverRetried() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofMillis(300))
            .retries(3).backoff(NO_PAUSE).listener(this.events).build());
        // Negotiates PX/1 on the first request, so the second is marked and may be refused.
        CompletableFuture<List<byte[]>> first = client.requestAsync("echo", List.of(bytes("one")));
        List<byte[]> question = broker.receive();
        List<byte[]> plain = broker.receive();
        broker.send(question.get(0), EMPTY, MDPC01, PirateExtension.MMI_PIRATE_FRAME, bytes("200"), bytes("PX1"));
        broker.send(plain.get(0), EMPTY, MDPC01, bytes("echo"), bytes("one"));
        first.join();

        CompletableFuture<List<byte[]>> refused = client.requestAsync("echo", List.of(bytes("two")));
        List<byte[]> marked = broker.receive();
        byte[][] refusal = PirateExtension.refusalBody(RefusalReason.OVERLOADED, "queue full");
        broker.send(marked.get(0), EMPTY, MDPC01, bytes("echo"), refusal[0], refusal[1], refusal[2]);

        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(PirateRefusedException.class);
        assertThat(broker.receive(1000)).as("no second attempt within three timeouts").isNull();
        assertThat(this.events.count("clientRetry:echo")).isZero();
    }

    @Test
    void aHandlerFailureIsNeverRetried() {
        RawPeer broker = track(RawPeer.bind(SocketType.ROUTER));
        MajordomoClient client = track(MajordomoClient.builder(broker.endpoint()).timeout(Duration.ofMillis(300))
            .retries(3).backoff(NO_PAUSE).listener(this.events).build());
        CompletableFuture<List<byte[]>> failed = client.requestAsync("boom", List.of(bytes("x")));
        List<byte[]> request = ForeignBroker.nextRequest(broker);
        List<byte[]> error = ErrorReply.body("bad quantity");
        broker.send(request.get(0), EMPTY, MDPC01, bytes("boom"), error.get(0), error.get(1));

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(PirateRemoteException.class,
                (ex) -> assertThat(ex.remoteMessage()).isEqualTo("bad quantity"));
        assertThat(broker.receive(1000)).as("no second attempt within three timeouts").isNull();
        assertThat(this.events.count("clientRetry:boom")).isZero();
    }

    /** Counts the requests for 'echo' that reach a silent broker until it has heard nothing for a while. */
    private static int countRequests(RawPeer broker, int quietMillis) {
        int count = 0;
        List<byte[]> message;
        while ((message = broker.receive(quietMillis)) != null) {
            String service = text(message.get(3));
            if (service.equals("mmi.pirate")) {
                broker.send(message.get(0), EMPTY, MDPC01, message.get(3), bytes("501"));
                continue;
            }
            assertThat(service).isEqualTo("echo");
            count++;
        }
        return count;
    }

    /** Plain REQ/REP framing that records what each attempt told the wire about its call. */
    private static final class RecordingWire implements Wire {

        final List<CallMeta> sent = new CopyOnWriteArrayList<>();

        volatile long remainingAtFirstSend;

        @Override
        public boolean send(ZMQ.Socket socket, String target, List<byte[]> body, CallMeta call) {
            if (this.sent.isEmpty()) {
                this.remainingAtFirstSend = call.remainingMillis();
            }
            // A copy: the test must see the id as it was sent, not an array changed later.
            this.sent.add(new CallMeta(Arrays.copyOf(call.requestId(), call.requestId().length),
                    call.deadlineNanos(), call.traceContext()));
            return PlainWire.INSTANCE.send(socket, target, body, call);
        }

        @Override
        public List<byte[]> replyBody(FrameBuffer frames, String target) {
            return PlainWire.INSTANCE.replyBody(frames, target);
        }

        @Override
        public boolean canProbe(String target) {
            return false;
        }
    }
}
