package dev.pirate.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.testing.PythonPeer;
import dev.pirate.testing.Resources;

/**
 * Tests for {@link MajordomoWorker} with several broker endpoints: it registers with every broker,
 * each endpoint's connections live and die on their own, and a broker that appears late is found.
 */
@Timeout(60)
class MultiBrokerWorkerTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    @RegisterExtension
    final Resources resources = new Resources();

    private MajordomoBroker broker(String bind) {
        MajordomoBroker broker = MajordomoBroker.builder().bind(bind).heartbeatInterval(HEARTBEAT).build();
        broker.start();
        return this.resources.track(broker);
    }

    private MajordomoWorker worker(List<String> endpoints, int concurrency) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoints.get(0), "echo", (body) -> body)
            .endpoints(endpoints)
            .concurrency(concurrency)
            .heartbeatInterval(HEARTBEAT)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        return worker;
    }

    private String echoThrough(String endpoint, String text) {
        try (MajordomoClient client = MajordomoClient.builder(endpoint).timeout(Duration.ofSeconds(5)).retries(2)
            .build()) {
            return new String(client.request("echo", text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        }
    }

    @Test
    void registersItsConnectionsWithEveryBrokerAndServesTheClientsOfEach() {
        MajordomoBroker first = broker("tcp://127.0.0.1:*");
        MajordomoBroker second = broker("tcp://127.0.0.1:*");
        List<String> endpoints = List.of(first.connectEndpoint(), second.connectEndpoint());
        MajordomoWorker worker = worker(endpoints, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount() == 4);
        assertThat(worker.endpoints()).containsExactlyElementsOf(endpoints);
        assertThat(worker.registeredCount(endpoints.get(0))).isEqualTo(2);
        assertThat(worker.registeredCount(endpoints.get(1))).isEqualTo(2);
        assertThat(worker.registeredCount("tcp://127.0.0.1:1")).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> first.snapshot().workers() == 2
                && second.snapshot().workers() == 2);
        assertThat(echoThrough(endpoints.get(0), "via first")).isEqualTo("via first");
        assertThat(echoThrough(endpoints.get(1), "via second")).isEqualTo("via second");
    }

    @Test
    void aBrokerThatStopsTakesOnlyItsOwnConnectionsAndIsRegisteredWithAgainWhenItReturns() {
        MajordomoBroker steady = broker("tcp://127.0.0.1:*");
        String restartingEndpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        MajordomoBroker restarting = broker(restartingEndpoint);
        MajordomoWorker worker = worker(List.of(steady.connectEndpoint(), restartingEndpoint), 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount() == 4);

        restarting.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount(restartingEndpoint) == 0);
        assertThat(worker.registeredCount(steady.connectEndpoint())).isEqualTo(2);
        assertThat(worker.unregisteredFor()).isZero();
        assertThat(echoThrough(steady.connectEndpoint(), "still served")).isEqualTo("still served");

        MajordomoBroker back = broker(restartingEndpoint);
        // Within the back-off (at most 400 ms here) plus a handshake, on a loaded machine.
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount(restartingEndpoint) == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> back.snapshot().workers() == 2);
        assertThat(echoThrough(restartingEndpoint, "served again")).isEqualTo("served again");
        assertThat(worker.registeredCount(steady.connectEndpoint())).isEqualTo(2);
    }

    @Test
    void aBrokerDownAtStartUpIsRegisteredWithWhenItAppears() {
        MajordomoBroker up = broker("tcp://127.0.0.1:*");
        String lateEndpoint = "tcp://127.0.0.1:" + PythonPeer.freePort();
        MajordomoWorker worker = worker(List.of(up.connectEndpoint(), lateEndpoint), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount(up.connectEndpoint()) == 1);
        assertThat(worker.registeredCount(lateEndpoint)).isZero();

        MajordomoBroker late = broker(lateEndpoint);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount(lateEndpoint) == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> late.snapshot().workers() == 1);
        assertThat(echoThrough(lateEndpoint, "late but served")).isEqualTo("late but served");
    }

    @Test
    void creditIsOfferedOnOneConnectionPerBroker() {
        MajordomoBroker first = broker("tcp://127.0.0.1:*");
        MajordomoBroker second = broker("tcp://127.0.0.1:*");
        MajordomoWorker worker = MajordomoWorker.builder(first.connectEndpoint(), "echo", (body) -> body)
            .endpoints(List.of(first.connectEndpoint(), second.connectEndpoint()))
            .concurrency(3)
            .prefetch(6)
            .heartbeatInterval(HEARTBEAT)
            .build();
        this.resources.track(() -> worker.stop(Duration.ofSeconds(5)));
        worker.start();
        assertThat(worker.connectionsPerEndpoint()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.registeredCount() == 2);
        assertThat(worker.registeredCount(second.connectEndpoint())).isEqualTo(1);
        assertThat(echoThrough(second.connectEndpoint(), "credited")).isEqualTo("credited");
    }

    @Test
    void anEmptyListOrAnEndpointListedTwiceIsRejectedNamingTheSetting() {
        MajordomoWorker.Builder builder = MajordomoWorker.builder("tcp://127.0.0.1:5555", "echo", (body) -> body);
        assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoints(List.of()))
            .withMessageContaining("endpoints");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> builder.endpoints(List.of("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555")))
            .withMessageContaining("listed twice");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoints(List.of("localhost:5555")))
            .withMessageContaining("endpoints");
    }
}
