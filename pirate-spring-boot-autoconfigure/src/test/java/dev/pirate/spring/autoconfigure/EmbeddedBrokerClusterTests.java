package dev.pirate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint;
import dev.pirate.spring.health.ClientHealthIndicator;
import dev.pirate.spring.health.WorkersHealthIndicator;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.testing.PythonPeer;
import dev.pirate.worker.MajordomoWorker;

/**
 * Tests for {@code pirate.worker.endpoints} and {@code pirate.client.endpoints}: two application
 * instances that each embed a broker and list both brokers work as one, and go on working when one
 * of them stops.
 */
@Timeout(120)
class EmbeddedBrokerClusterTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class));

    private ApplicationContextRunner instance(String bind, String endpoints) {
        return this.contextRunner.withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=" + bind,
                "pirate.broker.heartbeat-interval=250ms", "pirate.worker.endpoints=" + endpoints,
                "pirate.worker.heartbeat-interval=250ms", "pirate.worker.reconnect-delay=100ms",
                "pirate.worker.max-reconnect-delay=1s", "pirate.worker.shutdown-grace-period=2s",
                "pirate.client.endpoints=" + endpoints, "pirate.client.timeout=1s", "pirate.client.retries=3",
                // Long enough that a broker found dead is still skipped when the test looks.
                "pirate.client.broker-quarantine=60s");
    }

    @Test
    void twoInstancesThatEmbedABrokerAndListBothWorkAsOne() {
        String first = "tcp://127.0.0.1:" + PythonPeer.freePort();
        String second = "tcp://127.0.0.1:" + PythonPeer.freePort();
        String both = first + "," + second;
        instance(first, both).withBean(SharedOnA.class).run((a) -> {
            instance(second, both).withBean(SharedOnB.class).withBean(OnlyOnB.class).run((b) -> {
                MajordomoBroker brokerA = a.getBean(MajordomoBroker.class);
                MajordomoBroker brokerB = b.getBean(MajordomoBroker.class);
                // Every service of both instances registered with both brokers.
                await().atMost(Duration.ofSeconds(30)).until(() -> brokerA.snapshot().workers() == 3
                        && brokerB.snapshot().workers() == 3);
                MajordomoWorker workerOnA = a.getBean(MajordomoWorkerContainer.class).getWorkers().get(0);
                assertThat(workerOnA.endpoints()).containsExactly(first, second);
                // Registered as the worker sees it: each broker has answered its READY.
                await().atMost(Duration.ofSeconds(30)).until(() -> workerOnA.registeredCount() == 2);
                Health health = new WorkersHealthIndicator(a.getBean(MajordomoWorkerContainer.class)).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails().get("services")).asString()
                    .contains("connections=2", "brokers={" + first + "=1, " + second + "=1}");

                PirateClient clientA = a.getBean(PirateClient.class);
                MajordomoClient majordomoA = clientA.majordomoClient();
                assertThat(majordomoA.endpoints()).containsExactly(first, second);
                Set<String> answeredBy = new HashSet<>();
                for (int i = 0; i < 40; i++) {
                    String reply = clientA.request("shared", "x" + i);
                    assertThat(reply).endsWith(":x" + i);
                    answeredBy.add(reply.substring(0, reply.indexOf(':')));
                }
                assertThat(answeredBy).as("both instances serve").containsExactlyInAnyOrder("a", "b");
                assertThat(clientA.request("only-b", "hello")).isEqualTo("only-b:hello");
                assertThat(b.getBean(PirateClient.class).request("shared", "y")).endsWith(":y");
            });
            // Instance b has stopped, broker and all: instance a still serves its own clients.
            PirateClient clientA = a.getBean(PirateClient.class);
            for (int i = 0; i < 20; i++) {
                assertThat(clientA.request("shared", "z" + i)).isEqualTo("a:z" + i);
            }
            // The client saw its connection to b's broker close and skips it (the calls above went to
            // a's broker at once, or moved there): its health and the actuator endpoint name both
            // brokers and tell which one is skipped.
            MajordomoClient majordomoA = clientA.majordomoClient();
            await().atMost(Duration.ofSeconds(10)).until(() -> majordomoA.isBrokerSkipped(second));
            Health clientHealth = new ClientHealthIndicator(clientA).health();
            assertThat(clientHealth.getStatus()).isEqualTo(Status.UP);
            assertThat(clientHealth.getDetails().get("brokers"))
                .isEqualTo(Map.of(first, "in rotation", second, "skipped"));
            assertThat(clientHealth.getDetails().get("failovers")).isEqualTo(majordomoA.failovers());
            PirateEndpoint.PirateDescriptor described = new PirateEndpoint(null,
                    a.getBean(MajordomoWorkerContainer.class), clientA).pirate();
            assertThat(described.client().brokers()).containsExactly(
                    new PirateEndpoint.ClientBrokerDescriptor(first, false),
                    new PirateEndpoint.ClientBrokerDescriptor(second, true));
            assertThat(described.client().failovers()).isEqualTo(majordomoA.failovers());
            // a's workers: registered with their own broker, not with the one that stopped.
            PirateEndpoint endpointA = new PirateEndpoint(null, a.getBean(MajordomoWorkerContainer.class), clientA);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(endpointA.pirate().workers())
                .singleElement()
                .satisfies((shared) -> assertThat(shared.brokers()).containsExactly(
                        new PirateEndpoint.WorkerBrokerDescriptor(first, 1),
                        new PirateEndpoint.WorkerBrokerDescriptor(second, 0))));
        });
    }

    @Test
    void aSingleEndpointAndAListTogetherFailStartupNamingTheProperties() {
        this.contextRunner
            .withPropertyValues("pirate.worker.endpoint=tcp://127.0.0.1:5555",
                    "pirate.worker.endpoints=tcp://127.0.0.1:5556,tcp://127.0.0.1:5557")
            .withBean(SharedOnA.class)
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("pirate.worker.endpoints")
                    .hasMessageContaining("not both");
            });
    }

    @Test
    void aClientEndpointListedTwiceFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("pirate.client.endpoints=tcp://127.0.0.1:5556,tcp://127.0.0.1:5556")
            .run((context) -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("pirate.client.endpoints")
                    .hasMessageContaining("listed twice");
            });
    }

    @Test
    void aBadBrokerFailurePolicyFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("pirate.client.broker-quarantine=0s").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("pirate.client.broker-quarantine");
        });
    }

    @MajordomoService("shared")
    static class SharedOnA {

        @MajordomoHandler
        String handle(String text) {
            return "a:" + text;
        }
    }

    @MajordomoService("shared")
    static class SharedOnB {

        @MajordomoHandler
        String handle(String text) {
            return "b:" + text;
        }
    }

    @MajordomoService("only-b")
    static class OnlyOnB {

        @MajordomoHandler
        String handle(String text) {
            return "only-b:" + text;
        }
    }
}
