package dev.pirate.spring.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.event.PirateListener;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.EchoServiceConfiguration;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.metrics.PirateMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PirateMetricsAutoConfiguration}.
 */
@Timeout(60)
class PirateMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class, PirateMetricsAutoConfiguration.class));

    @Test
    void runWithMeterRegistryShouldRecordBrokerWorkerAndClientThroughTheListenerBean() {
        this.contextRunner.withBean(SimpleMeterRegistry.class)
            .withUserConfiguration(EchoServiceConfiguration.class)
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .run((context) -> {
                assertThat(context).hasSingleBean(PirateMetrics.class);
                assertThat(context.getBeansOfType(PirateListener.class)).containsValue(context.getBean(PirateMetrics.class));
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                PirateClient client = context.getBean(PirateClient.class);
                for (int i = 0; i < 3; i++) {
                    assertThat(client.request("echo", "ahoy")).isEqualTo("ahoy");
                }
                assertThat(registry.get("pirate.client.requests").tags("service", "echo", "outcome", "success").timer()
                    .count()).isEqualTo(3);
                assertThat(registry.get("pirate.broker.requests").tag("service", "echo").counter().count())
                    .isEqualTo(3);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(registry.get("pirate.worker.requests").tags("service", "echo", "outcome", "success")
                        .timer().count()).isEqualTo(3);
                    assertThat(registry.get("pirate.worker.connected").tag("service", "echo").gauge().value())
                        .isEqualTo(1);
                    assertThat(registry.get("pirate.broker.workers").tags("service", "echo", "state", "idle").gauge()
                        .value()).isEqualTo(1);
                    assertThat(registry.get("pirate.broker.workers").tags("service", "echo", "state", "busy").gauge()
                        .value()).isZero();
                    assertThat(registry.get("pirate.broker.requests.queued").tag("service", "echo").gauge().value())
                        .isZero();
                });
            });
    }

    @Test
    void runWithoutMeterRegistryShouldNotCreatePirateMetrics() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PirateMetrics.class));
    }

    @Test
    void runWithoutMicrometerShouldNotCreatePirateMetrics() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PirateMetrics.class));
    }

    @Test
    void userDefinedPirateMetricsMakesTheAutoConfigurationBackOff() {
        this.contextRunner.withBean(SimpleMeterRegistry.class)
            .withBean("customMetrics", PirateMetrics.class,
                    () -> new PirateMetrics(new SimpleMeterRegistry(), () -> BrokerSnapshot.NOT_RUNNING, (s) -> 0, 5))
            .run((context) -> assertThat(context).hasSingleBean(PirateMetrics.class).hasBean("customMetrics"));
    }

    @Test
    void maxServicesBelowOneFailsStartupNamingTheProperty() {
        this.contextRunner.withBean(SimpleMeterRegistry.class)
            .withPropertyValues("pirate.metrics.max-services=0")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("pirate.metrics.max-services"));
    }

    @Test
    void histogramsAreOnByDefaultAndBootsDistributionPropertyTurnsThemOff() {
        ApplicationContextRunner withBootMetrics = this.contextRunner.withConfiguration(AutoConfigurations.of(
                MetricsAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class));
        withBootMetrics.run((context) -> {
            context.getBean(PirateMetrics.class).workerRequestCompleted("echo", true, 1_000_000);
            assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
                .contains("pirate_worker_requests_seconds_bucket");
        });
        withBootMetrics.withPropertyValues("management.metrics.distribution.percentiles-histogram.pirate=false")
            .run((context) -> {
                context.getBean(PirateMetrics.class).workerRequestCompleted("echo", true, 1_000_000);
                assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
                    .contains("pirate_worker_requests_seconds_count")
                    .doesNotContain("pirate_worker_requests_seconds_bucket");
            });
    }
}
