package dev.pirate.spring.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.BrokerDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.ClientBrokerDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.ClientDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.DirectDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.PirateDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.ServiceDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.WorkerBrokerDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint.WorkerDescriptor;
import dev.pirate.spring.actuate.endpoint.PirateEndpoint;
import dev.pirate.spring.autoconfigure.EchoServiceConfiguration;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.broker.InProcessContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PirateEndpointAutoConfiguration} and what {@link PirateEndpoint} shows.
 */
@Timeout(60)
class PirateEndpointAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class, PirateEndpointAutoConfiguration.class))
        .withPropertyValues("pirate.worker.shutdown-grace-period=1s");

    @Test
    void runWhenExposedShouldCreateTheEndpoint() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=pirate")
            .run((context) -> assertThat(context).hasSingleBean(PirateEndpoint.class));
    }

    @Test
    void runWhenNotExposedShouldNotCreateTheEndpoint() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PirateEndpoint.class));
    }

    @Test
    void runWhenDisabledShouldNotCreateTheEndpoint() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=pirate",
                    "management.endpoint.pirate.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(PirateEndpoint.class));
    }

    @Test
    void runWithoutActuatorShouldNotCreateTheEndpoint() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
            .withPropertyValues("management.endpoints.web.exposure.include=pirate")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PirateEndpoint.class));
    }

    @Test
    void showsTheBrokerFromItsSnapshotTheLocalWorkersAndTheClient() {
        this.contextRunner.withUserConfiguration(EchoServiceConfiguration.class)
            .withPropertyValues("management.endpoints.web.exposure.include=pirate", "pirate.broker.enabled=true",
                    "pirate.broker.bind=tcp://127.0.0.1:*", "pirate.client.direct.billing.endpoint=tcp://127.0.0.1:1",
                    "pirate.client.direct.billing.retries=0")
            .run((context) -> {
                PirateEndpoint endpoint = context.getBean(PirateEndpoint.class);
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                assertThat(endpoint.pirate().client().state()).isEqualTo("idle");
                PirateClient client = context.getBean(PirateClient.class);
                assertThat(client.request("echo", "one")).isEqualTo("one");
                assertThat(client.request("echo", "two")).isEqualTo("two");

                await().atMost(Duration.ofSeconds(10))
                    .until(() -> endpoint.pirate().broker().services().equals(
                            List.of(new ServiceDescriptor("echo", 0, 1, 0, 2))));
                PirateDescriptor pirate = endpoint.pirate();
                BrokerDescriptor brokerDescriptor = pirate.broker();
                assertThat(brokerDescriptor.running()).isTrue();
                assertThat(brokerDescriptor.endpoints()).isEqualTo(broker.snapshot().endpoints());
                assertThat(brokerDescriptor.workersExpired()).isZero();
                assertThat(brokerDescriptor.requestsExpired()).isZero();
                assertThat(brokerDescriptor.invalidMessages()).isZero();
                WorkerDescriptor echo = pirate.workers().get(0);
                assertThat(echo.service()).isEqualTo("echo");
                assertThat(echo.endpoint()).isEqualTo(InProcessContext.ENDPOINT);
                assertThat(echo.connections()).isEqualTo(1);
                assertThat(echo.connected()).isEqualTo(1);
                assertThat(echo.lastHeartbeat()).isNotNull();
                assertThat(echo.reconnects()).isZero();
                assertThat(echo.brokers()).containsExactly(new WorkerBrokerDescriptor(InProcessContext.ENDPOINT, 1));
                assertThat(pirate.client()).isEqualTo(new ClientDescriptor("open", InProcessContext.ENDPOINT, 2500L, 3,
                        List.of(new ClientBrokerDescriptor(InProcessContext.ENDPOINT, false)), 0L,
                        List.of(new DirectDescriptor("billing", "tcp://127.0.0.1:1", 2500, 0))));
            });
    }

    @Test
    void withoutABrokerShowsNoBroker() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=pirate")
            .run((context) -> {
                PirateDescriptor pirate = context.getBean(PirateEndpoint.class).pirate();
                assertThat(pirate.broker()).isNull();
                assertThat(pirate.workers()).isEmpty();
                assertThat(pirate.client()).isNotNull();
            });
    }
}
