package dev.pirate.worker;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.RecordingListener;
import dev.pirate.testing.Resources;

/**
 * PX/1 negotiation of {@link MajordomoWorker} ({@code docs/rfc/px-1.md}, section 5), frame by frame
 * against a raw ROUTER playing the broker, and end to end with {@link MajordomoBroker}.
 */
@Timeout(30)
class WorkerNegotiationTest {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] REQUEST = { 0x02 };

    private static final String PX = "0x00505831";

    /** Long enough that no heartbeat crosses a test that does not wait for one. */
    private static final Duration SLOW_HEARTBEAT = Duration.ofSeconds(10);

    private final RecordingListener events = new RecordingListener();

    /** Every body and context the handler was called with. */
    private final List<List<byte[]>> bodies = new CopyOnWriteArrayList<>();

    private final List<RequestContext> contexts = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final Resources resources = new Resources();

    private RawPeer broker() {
        return this.resources.track(RawPeer.bind(SocketType.ROUTER));
    }

    private MajordomoWorker start(String endpoint, String service, Duration heartbeat) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoint, service, (body, context) -> {
            this.bodies.add(body);
            this.contexts.add(context);
            return body;
        }).heartbeatInterval(heartbeat).liveness(100).listener(this.events).build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    /** Frames after the routing id. */
    private static List<String> frames(List<byte[]> message) {
        return describe(message.subList(1, message.size()));
    }

    private static void answer(RawPeer broker, byte[] worker, String... body) {
        List<byte[]> frames = new ArrayList<>(List.of(worker, EMPTY, C, PirateExtension.MMI_PIRATE_FRAME));
        for (String frame : body) {
            frames.add(bytes(frame));
        }
        broker.send(frames.toArray(byte[][]::new));
    }

    @Test
    void asksMmiPirateFirstAndAfter200Px1SendsReadyWithThePxFrame() {
        RawPeer broker = broker();
        MajordomoWorker worker = start(broker.endpoint(), "neg", SLOW_HEARTBEAT);
        List<byte[]> question = broker.receive();
        assertThat(frames(question)).containsExactly("", "MDPC01", "mmi.pirate", "PX1");
        assertThat(worker.connectedCount()).as("no READY before the answer").isZero();

        answer(broker, question.get(0), "200", "PX1");
        List<byte[]> ready = broker.receive();
        assertThat(ready.get(0)).as("same connection").isEqualTo(question.get(0));
        assertThat(frames(ready)).containsExactly("", "MDPW01", "0x01", "neg", PX);
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 1);
    }

    @Test
    void after501ItSendsThePlainReadyAndNeverStripsABodyFrameThatLooksLikeAPxFrame() {
        RawPeer broker = broker();
        start(broker.endpoint(), "plain", SLOW_HEARTBEAT);
        List<byte[]> question = broker.receive();
        answer(broker, question.get(0), "501");
        List<byte[]> ready = broker.receive();
        assertThat(frames(ready)).containsExactly("", "MDPW01", "0x01", "plain");

        byte[] lookalike = PirateExtension.pxFrame(bytes("id"), 0);
        broker.send(question.get(0), EMPTY, W, REQUEST, bytes("client"), EMPTY, lookalike, bytes("b"));
        List<byte[]> reply = broker.receive();
        assertThat(frames(reply)).containsExactly("", "MDPW01", "0x03", "client", "",
                "0x" + HexFormat.of().formatHex(lookalike), "b");
        assertThat(this.bodies).singleElement().satisfies((body) -> assertThat(body).hasSize(2));
        RequestContext context = this.contexts.get(0);
        assertThat(context.service()).isEqualTo("plain");
        assertThat(context.requestId()).isEmpty();
        assertThat(context.deadline()).isEmpty();
        assertThat(context.isExpired()).isFalse();
    }

    @Test
    void silenceForOneHeartbeatMeansPlainReadyAndALateAnswerChangesNothing() {
        RawPeer broker = broker();
        Duration heartbeat = Duration.ofMillis(400);
        long started = System.nanoTime();
        start(broker.endpoint(), "quiet", heartbeat);
        List<byte[]> question = broker.receive();
        assertThat(frames(question)).containsExactly("", "MDPC01", "mmi.pirate", "PX1");

        List<byte[]> ready = broker.receive();
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(frames(ready)).as("no heartbeat before READY either").containsExactly("", "MDPW01", "0x01", "quiet");
        // The question went after the start: READY, one heartbeat after the question, cannot be here sooner.
        // (Timed from the start, not from reading the question, which a loaded machine may delay.)
        assertThat(waited).isGreaterThanOrEqualTo(heartbeat);

        answer(broker, question.get(0), "200", "PX1");
        broker.send(question.get(0), EMPTY, W, REQUEST, bytes("client"), EMPTY, bytes("body"));
        List<byte[]> reply;
        do {
            reply = broker.receive();
        }
        while (reply != null && frames(reply).equals(List.of("", "MDPW01", "0x04")));
        assertThat(reply).isNotNull();
        assertThat(frames(reply)).containsExactly("", "MDPW01", "0x03", "client", "", "body");
    }

    @Test
    void aDisconnectWhileNegotiatingStartsANewConversationThatAsksAgain() {
        RawPeer broker = broker();
        MajordomoWorker worker = MajordomoWorker
            .builder(broker.endpoint(), "again", (body) -> body)
            .heartbeatInterval(SLOW_HEARTBEAT)
            .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(100))
            .listener(this.events)
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        List<byte[]> first = broker.receive();
        broker.send(first.get(0), EMPTY, W, new byte[] { 0x05 });

        List<byte[]> second = broker.receive();
        assertThat(second.get(0)).as("a new socket").isNotEqualTo(first.get(0));
        assertThat(frames(second)).containsExactly("", "MDPC01", "mmi.pirate", "PX1");
        assertThat(this.events.count("workerConnected:again")).as("READY never went on the first").isZero();
        assertThat(this.events.count("workerDisconnected:again")).isZero();
    }

    @Test
    void aRequestWhoseDeadlinePassedIsSkippedAndTheNextOneSeesItsIdAndDeadline() {
        RawPeer broker = broker();
        start(broker.endpoint(), "timely", SLOW_HEARTBEAT);
        byte[] worker = broker.receive().get(0);
        answer(broker, worker, "200", "PX1");
        assertThat(frames(broker.receive())).containsExactly("", "MDPW01", "0x01", "timely", PX);

        byte[] lateId = bytes("late-call");
        broker.send(worker, EMPTY, W, REQUEST, bytes("c1"), EMPTY, PirateExtension.pxFrame(lateId, 0), bytes("late"));
        // The handler is not called; an "expired" refusal frees the connection at the broker.
        List<byte[]> refusal = broker.receive();
        assertThat(frames(refusal).subList(0, 5)).containsExactly("", "MDPW01", "0x03", "c1", "");
        assertThat(refusal.get(6)).isEqualTo(PirateExtension.REFUSED_MARKER);
        assertThat(text(refusal.get(7))).isEqualTo("expired");

        byte[] id = bytes("fresh-call");
        Instant before = Instant.now();
        broker.send(worker, EMPTY, W, REQUEST, bytes("c2"), EMPTY, PirateExtension.pxFrame(id, 5000), bytes("fresh"));
        List<byte[]> reply = broker.receive();
        assertThat(frames(reply)).containsExactly("", "MDPW01", "0x03", "c2", "", "fresh");

        assertThat(this.bodies).as("the late request never reached the handler").hasSize(1);
        assertThat(text(this.bodies.get(0).get(0))).isEqualTo("fresh");
        RequestContext context = this.contexts.get(0);
        assertThat(context.service()).isEqualTo("timely");
        assertThat(context.requestId()).hasValueSatisfying((value) -> assertThat(value).isEqualTo(id));
        assertThat(context.requestIdHex()).hasValue(HexFormat.of().formatHex(id));
        assertThat(context.timeLeft()).hasValueSatisfying(
                (left) -> assertThat(left).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5)));
        assertThat(context.deadline()).hasValueSatisfying((deadline) -> assertThat(deadline)
            .isBetween(before, Instant.now().plusSeconds(5).plusMillis(50)));
        assertThat(this.events.count("workerRequestExpired:timely")).isEqualTo(1);
        assertThat(this.events.count("workerRequestCompleted:timely:true")).isEqualTo(1);
        assertThat(broker.receive(200)).as("nothing else, least of all a reply to the late request").isNull();
    }

    @Test
    void aNegotiatedWorkerDropsARequestWithoutThePxFrame() {
        RawPeer broker = broker();
        start(broker.endpoint(), "strict", SLOW_HEARTBEAT);
        byte[] worker = broker.receive().get(0);
        answer(broker, worker, "200", "PX1");
        broker.receive();
        broker.send(worker, EMPTY, W, REQUEST, bytes("c"), EMPTY, bytes("no px frame"));
        broker.send(worker, EMPTY, W, REQUEST, bytes("c"), EMPTY, PirateExtension.pxFrame(null, -1), bytes("ok"));
        assertThat(frames(broker.receive())).containsExactly("", "MDPW01", "0x03", "c", "", "ok");
        assertThat(this.bodies).hasSize(1);
        assertThat(this.contexts.get(0).requestId()).isEmpty();
        assertThat(this.contexts.get(0).deadline()).isEmpty();
    }

    @Test
    void turnedOffTheWorkerSendsTheByteExactPlainReadyFirst() {
        RawPeer broker = broker();
        MajordomoWorker worker = MajordomoWorker.builder(broker.endpoint(), "exact", (body) -> body)
            .pirateExtension(false)
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        assertThat(frames(broker.receive())).containsExactly("", "MDPW01", "0x01", "exact");
    }

    @Test
    void withOurBrokerAHandlerSeesTheCallersIdAndDeadline() {
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build());
        broker.start();
        MajordomoWorker worker = start(broker.connectEndpoint(), "ctx", Duration.ofMillis(500));
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.connectedCount() == 1);
        RawPeer client = this.resources.track(RawPeer.connect(SocketType.DEALER, broker.connectEndpoint()));

        byte[] id = bytes("call-0001");
        Instant before = Instant.now();
        client.send(EMPTY, C, bytes("ctx"), PirateExtension.pxFrame(id, 3000), bytes("hello"));
        List<byte[]> reply = client.receive();
        assertThat(describe(reply)).containsExactly("", "MDPC01", "ctx", "hello");

        RequestContext context = this.contexts.get(0);
        assertThat(context.requestIdHex()).hasValue(HexFormat.of().formatHex(id));
        assertThat(context.deadline()).hasValueSatisfying((deadline) -> assertThat(deadline)
            .isBetween(before.plusMillis(2000), Instant.now().plusMillis(3050)));
        assertThat(context.isExpired()).isFalse();
        assertThat(this.bodies.get(0)).singleElement().satisfies((frame) -> assertThat(text(frame)).isEqualTo("hello"));
    }
}
