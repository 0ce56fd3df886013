package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.describe;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.testing.RawPeer;
import dev.pirate.testing.Resources;
import dev.pirate.testing.RecordingListener;
import dev.pirate.worker.MajordomoWorker;

/**
 * Failure scenarios across broker, workers and clients: dead workers, a restarted broker, a slow
 * handler.
 */
@Timeout(60)
class ReliabilityTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] W = bytes("MDPW01");

    private static final byte[] C = bytes("MDPC01");

    private static final byte[] READY = { 0x01 };

    private static final byte[] REPLY = { 0x03 };

    private static final byte[] HEARTBEAT_COMMAND = { 0x04 };

    private static final byte[] DISCONNECT = { 0x05 };

    private final RecordingListener events = new RecordingListener();

    @RegisterExtension
    final Resources resources = new Resources();


    private <T extends AutoCloseable> T track(T resource) {
        return this.resources.track(resource);
    }

    private MajordomoBroker broker(String endpoint) {
        MajordomoBroker broker = MajordomoBroker.builder().bind(endpoint).heartbeatInterval(HEARTBEAT).liveness(3)
            .listener(this.events).build();
        broker.start();
        return broker;
    }

    private MajordomoWorker worker(String endpoint, String service) {
        MajordomoWorker worker = track(MajordomoWorker.builder(endpoint, service, (body) -> body)
            .heartbeatInterval(HEARTBEAT).reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .listener(this.events).build());
        worker.start();
        return worker;
    }

    /**
     * The client sends its request exactly once, so only the broker can get it to the second
     * worker: the first worker takes it and dies without a reply, the broker purges it after
     * liveness x heartbeat and must hand the request it held to the next worker.
     */
    @Test
    void aWorkerKilledMidRequestIsPurgedAndTheBrokerRequeuesItsRequestToAnotherWorker() {
        MajordomoBroker broker = track(broker("tcp://127.0.0.1:*"));
        RawPeer doomed = track(RawPeer.connect(SocketType.DEALER, broker.connectEndpoint()));
        doomed.send(EMPTY, W, READY, bytes("job"));
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workers() == 1);

        // A raw client that sends one request, once: no retry can rescue it.
        RawPeer client = track(RawPeer.connect(SocketType.DEALER, broker.connectEndpoint()));
        client.send(EMPTY, C, bytes("job"), bytes("work-17"));

        List<byte[]> taken = nextNonHeartbeat(doomed, Duration.ofSeconds(5));
        assertThat(taken).as("the doomed worker got the request").isNotNull();
        assertThat(describe(taken.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
        assertThat(describe(taken.subList(4, taken.size()))).containsExactly("", "work-17");
        // Killed mid-request: no REPLY, no DISCONNECT, no more heartbeats.
        doomed.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.snapshot().workersExpired() == 1);

        // Only now a second worker, so the broker could not have sent the request to it at first, and the
        // requeued request reaches it at once (a worker that READY'd while the broker's tick stalled on a
        // loaded machine could otherwise expire together with the dead one).
        RawPeer second = track(RawPeer.connect(SocketType.DEALER, broker.connectEndpoint()));
        second.send(EMPTY, W, READY, bytes("job"));
        List<byte[]> requeued = nextNonHeartbeat(second, Duration.ofSeconds(10));
        assertThat(requeued).as("the second worker received the dead worker's request").isNotNull();
        assertThat(describe(requeued.subList(0, 3))).containsExactly("", "MDPW01", "0x02");
        assertThat(describe(requeued.subList(4, requeued.size()))).containsExactly("", "work-17");
        second.send(EMPTY, W, REPLY, requeued.get(3), EMPTY, bytes("done work-17"));

        List<byte[]> reply = client.receive(5000);
        assertThat(reply).as("the client's one and only reply").isNotNull();
        assertThat(describe(reply)).containsExactly("", "MDPC01", "job", "done work-17");
        // The second worker leaves cleanly, so the one expiry counted below is the doomed worker's.
        second.send(EMPTY, W, DISCONNECT);
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workers() == 0);
        assertThat(client.receive(500)).as("no second reply").isNull();
        assertThat(broker.snapshot().workersExpired()).isEqualTo(1);
        assertThat(this.events.count("brokerWorkerExpired:job")).isEqualTo(1);
    }

    /**
     * Returns the next message that is not a broker HEARTBEAT, answering each HEARTBEAT with one so
     * the worker stays alive, or {@code null} if none comes within the deadline.
     */
    private static List<byte[]> nextNonHeartbeat(RawPeer worker, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            List<byte[]> message = worker.receive((int) Math.max(1, left / 1_000_000));
            if (message == null) {
                return null;
            }
            if (message.size() == 3 && Arrays.equals(message.get(2), HEARTBEAT_COMMAND)) {
                worker.send(EMPTY, W, HEARTBEAT_COMMAND);
                continue;
            }
            return message;
        }
        return null;
    }

    @Test
    void workersReRegisterAndClientsRecoverWhenTheBrokerRestartsOnTheSamePort() {
        MajordomoBroker first = broker("tcp://127.0.0.1:*");
        String endpoint = first.connectEndpoint();
        worker(endpoint, "echo");
        MajordomoClient client = track(MajordomoClient.builder(endpoint).timeout(Duration.ofMillis(500)).retries(10)
            .listener(this.events).build());
        assertThat(text(client.request("echo", bytes("before")))).isEqualTo("before");

        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.events.count("workerHeartbeatMissed:echo") >= 3);
        MajordomoBroker second = track(broker(endpoint));

        assertThat(text(client.request("echo", bytes("after")))).isEqualTo("after");
        assertThat(second.snapshot().workersExpired()).isZero();
        assertThat(this.events.count("workerReconnect:echo")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aHandlerSlowerThanTheBrokersLivenessIsNotPurged() {
        MajordomoBroker broker = track(broker("tcp://127.0.0.1:*"));
        MajordomoWorker worker = track(MajordomoWorker.builder(broker.connectEndpoint(), "slow", (body) -> {
            // Longer than heartbeat x liveness (300 ms): the worker must keep heartbeating meanwhile.
            Thread.sleep(1200);
            return body;
        }).heartbeatInterval(HEARTBEAT).build());
        worker.start();
        MajordomoClient client = track(MajordomoClient.builder(broker.connectEndpoint()).timeout(Duration.ofSeconds(5))
            .retries(0).build());
        assertThat(text(client.request("slow", bytes("patience")))).isEqualTo("patience");
        assertThat(broker.snapshot().workersExpired()).isZero();
        assertThat(this.events.count("brokerWorkerExpired:slow")).isZero();
    }

    @Test
    void aStoppedWorkerIsForgottenAtOnceAndItsServiceReportedUnknown() {
        MajordomoBroker broker = track(broker("tcp://127.0.0.1:*"));
        MajordomoWorker worker = worker(broker.connectEndpoint(), "brief");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workers() == 1);
        assertThat(worker.stop(Duration.ofSeconds(5))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workers() == 0);
        assertThat(broker.snapshot().workersExpired()).as("DISCONNECT, not expiry").isZero();
    }
}
