package dev.pirate;

import static dev.pirate.testing.RawPeer.bytes;
import static dev.pirate.testing.RawPeer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    @Test
    void aWorkerKilledMidRequestIsPurgedAndTheRetryReachesAnotherWorker() {
        MajordomoBroker broker = track(broker("tcp://127.0.0.1:*"));
        RawPeer doomed = RawPeer.connect(SocketType.DEALER, broker.connectEndpoint());
        doomed.send(new byte[0], bytes("MDPW01"), new byte[] { 0x01 }, bytes("job"));
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workers() == 1);
        MajordomoClient client = track(MajordomoClient.builder(broker.connectEndpoint())
            .timeout(Duration.ofMillis(600)).retries(3).listener(this.events).build());

        CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> client.request("job", bytes("work")));
        assertThat(doomed.receive()).as("the doomed worker got the request").isNotNull();
        doomed.close();
        worker(broker.connectEndpoint(), "job");

        assertThat(text(reply.join())).isEqualTo("work");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.snapshot().workersExpired() == 1
                && broker.snapshot().workers() == 1);
        assertThat(this.events.count("brokerWorkerExpired:job")).isEqualTo(1);
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
