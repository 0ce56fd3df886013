package dev.pirate.spring.autoconfigure.health;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.CallOptions;
import dev.pirate.client.PirateException;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.EchoServiceConfiguration;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.broker.InProcessContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PirateHealthContributorAutoConfiguration} and the health it reports: the broker
 * while it runs and after it stops, workers going DOWN when their broker is gone for longer than
 * liveness times heartbeat and UP again when it returns, and a client that is never DOWN.
 */
@Timeout(60)
class PirateHealthContributorAutoConfigurationTests {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(PirateAutoConfiguration.class, PirateHealthContributorAutoConfiguration.class))
        .withPropertyValues("pirate.worker.shutdown-grace-period=1s");

    @Test
    void runShouldCreateAPirateCompositeOfBrokerWorkersAndClient() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .run((context) -> {
                assertThat(context).hasBean("pirateHealthContributor");
                assertThat(pirate(context).stream().map(HealthContributors.Entry::name))
                    .containsExactly("broker", "workers", "client");
            });
    }

    @Test
    void runWithoutBrokerShouldReportWorkersAndClientOnly() {
        this.contextRunner.run((context) -> assertThat(pirate(context).stream().map(HealthContributors.Entry::name))
            .containsExactly("workers", "client"));
    }

    @Test
    void runWhenDisabledShouldNotCreateTheContributor() {
        this.contextRunner.withPropertyValues("management.health.pirate.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("pirateHealthContributor"));
    }

    @Test
    void runWhenHealthDefaultsAreDisabledShouldNotCreateTheContributor() {
        this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("pirateHealthContributor"));
    }

    @Test
    void runWithoutTheHealthModuleShouldNotCreateTheContributor() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("pirateHealthContributor"));
    }

    @Test
    void userDefinedPirateHealthIndicatorMakesTheAutoConfigurationBackOff() {
        this.contextRunner
            .withBean("pirateHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
            .run((context) -> assertThat(context).doesNotHaveBean("pirateHealthContributor")
                .hasBean("pirateHealthIndicator"));
    }

    @Test
    void brokerIsUpWithItsServicesWorkersAndQueueWhileItsLoopRuns() {
        this.contextRunner.withUserConfiguration(EchoServiceConfiguration.class)
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .run((context) -> {
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> broker.snapshot().workers() == 1);
                Health health = health(context, "broker");
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("services", 1)
                    .containsEntry("workers", 1)
                    .containsEntry("queued", 0)
                    .containsEntry("endpoints", broker.snapshot().endpoints());

                broker.close();
                assertThat(health(context, "broker").getStatus()).isEqualTo(Status.DOWN);
            });
    }

    @Test
    void workersGoDownWhenTheirBrokerIsGoneForLongerThanLivenessTimesHeartbeatAndUpWhenItReturns() {
        MajordomoBroker first = broker("tcp://127.0.0.1:*");
        String endpoint = first.connectEndpoint();
        try {
            this.contextRunner.withUserConfiguration(EchoServiceConfiguration.class)
                .withPropertyValues("pirate.worker.endpoint=" + endpoint, "pirate.worker.heartbeat-interval=100ms",
                        "pirate.worker.liveness=3", "pirate.worker.reconnect-delay=100ms",
                        "pirate.worker.max-reconnect-delay=200ms")
                .run((context) -> {
                    await().atMost(Duration.ofSeconds(10))
                        .until(() -> health(context, "workers").getStatus().equals(Status.UP)
                                && echo(health(context, "workers")).get("connected").equals(1));
                    Map<String, Object> echo = echo(health(context, "workers"));
                    // With 100 ms heartbeats a cold first connection can be re-made once or twice before
                    // it settles; what counts are the reconnects caused by the broker going away below.
                    assertThat(echo).containsEntry("connections", 1).containsKey("reconnects");
                    long reconnectsBefore = (Long) echo.get("reconnects");
                    assertThat(echo.get("lastHeartbeat")).asString().endsWith("Z");

                    first.close();
                    await().atMost(Duration.ofSeconds(10))
                        .until(() -> health(context, "workers").getStatus().equals(Status.DOWN));
                    Health down = health(context, "workers");
                    assertThat(echo(down)).containsEntry("connected", 0).containsKey("unregisteredFor");

                    try (MajordomoBroker second = broker(endpoint)) {
                        await().atMost(Duration.ofSeconds(10))
                            .until(() -> health(context, "workers").getStatus().equals(Status.UP));
                        Map<String, Object> back = echo(health(context, "workers"));
                        assertThat(back).containsEntry("connected", 1).doesNotContainKey("unregisteredFor");
                        assertThat((Long) back.get("reconnects")).isGreaterThan(reconnectsBefore);
                    }
                });
        }
        finally {
            first.close();
        }
    }

    @Test
    void workersAreOutOfServiceUntilEachServiceHasRegisteredOnceThenUp() {
        MajordomoBroker placeholder = broker("tcp://127.0.0.1:*");
        String endpoint = placeholder.connectEndpoint();
        placeholder.close();
        this.contextRunner.withUserConfiguration(EchoServiceConfiguration.class)
            .withPropertyValues("pirate.worker.endpoint=" + endpoint, "pirate.worker.heartbeat-interval=100ms",
                    "pirate.worker.liveness=600", "pirate.worker.reconnect-delay=100ms",
                    "pirate.worker.max-reconnect-delay=200ms")
            .run((context) -> {
                // No broker yet: well inside liveness x heartbeat (60 s), so not DOWN, but not ready either.
                Health starting = health(context, "workers");
                assertThat(starting.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                assertThat(echo(starting)).containsEntry("starting", true).containsEntry("connected", 0);

                try (MajordomoBroker broker = broker(endpoint)) {
                    await().atMost(Duration.ofSeconds(20))
                        .until(() -> health(context, "workers").getStatus().equals(Status.UP));
                    assertThat(echo(health(context, "workers"))).doesNotContainKey("starting");
                }
                // Once registered, losing the broker is judged as before: UP until liveness x heartbeat.
                assertThat(health(context, "workers").getStatus()).isEqualTo(Status.UP);
            });
    }

    @Test
    void workersThatNeverRegisterAreDownAfterLivenessTimesHeartbeat() {
        MajordomoBroker placeholder = broker("tcp://127.0.0.1:*");
        String endpoint = placeholder.connectEndpoint();
        placeholder.close();
        this.contextRunner.withUserConfiguration(EchoServiceConfiguration.class)
            .withPropertyValues("pirate.worker.endpoint=" + endpoint, "pirate.worker.heartbeat-interval=100ms",
                    "pirate.worker.liveness=3")
            .run((context) -> {
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> health(context, "workers").getStatus().equals(Status.DOWN));
                assertThat(echo(health(context, "workers"))).containsEntry("starting", true)
                    .containsKey("unregisteredFor");
            });
    }

    @Test
    void clientIsUpWithDetailsAndNeverDownBecauseAServiceDoesNotAnswer() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.client.direct.billing.endpoint=tcp://127.0.0.1:1", "pirate.client.direct.billing.retries=0")
            .run((context) -> {
                Health idle = health(context, "client");
                assertThat(idle.getStatus()).isEqualTo(Status.UP);
                assertThat(idle.getDetails()).containsEntry("state", "idle").doesNotContainKey("endpoint");
                assertThat(idle.getDetails().get("direct")).isEqualTo(
                        Map.of("billing", Map.of("endpoint", "tcp://127.0.0.1:1", "timeout", "2500ms", "retries", 0,
                                "curve", false)));

                PirateClient client = context.getBean(PirateClient.class);
                assertThatExceptionOfType(PirateException.class).isThrownBy(
                        () -> client.request("absent", "hello?", new CallOptions(Duration.ofMillis(200), 1)));
                Health open = health(context, "client");
                assertThat(open.getStatus()).isEqualTo(Status.UP);
                assertThat(open.getDetails()).containsEntry("state", "open")
                    .containsEntry("endpoint", InProcessContext.ENDPOINT)
                    .containsEntry("curve", false)
                    .containsEntry("timeout", "2500ms")
                    .containsEntry("retries", 3);

                client.close();
                assertThat(health(context, "client").getStatus()).isEqualTo(Status.UP);
                assertThat(health(context, "client").getDetails()).containsEntry("state", "closed");
            });
    }

    private static MajordomoBroker broker(String endpoint) {
        MajordomoBroker broker = MajordomoBroker.builder().bind(endpoint).heartbeatInterval(HEARTBEAT).liveness(3)
            .build();
        broker.start();
        return broker;
    }

    private static CompositeHealthContributor pirate(AssertableApplicationContext context) {
        return context.getBean("pirateHealthContributor", CompositeHealthContributor.class);
    }

    private static Health health(AssertableApplicationContext context, String name) {
        return ((HealthIndicator) pirate(context).getContributor(name)).health();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> echo(Health workers) {
        return (Map<String, Object>) ((Map<String, Object>) workers.getDetails().get("services")).get("echo");
    }
}
