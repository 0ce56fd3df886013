package dev.pirate.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.metrics.BrokerEndpointMetrics;

/**
 * Tests for {@link BrokerEndpointMetrics} as {@link PirateMetricsAutoConfiguration} binds it: one
 * time series per configured broker, and none with a single broker.
 */
@Timeout(60)
class BrokerEndpointMetricsTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class, PirateMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class)
        .withBean(Echo.class)
        .withPropertyValues("pirate.worker.heartbeat-interval=250ms", "pirate.worker.reconnect-delay=100ms",
                "pirate.worker.max-reconnect-delay=500ms", "pirate.worker.shutdown-grace-period=1s");

    @Test
    void severalBrokersGetOneSeriesEachThatFollowsItsRegistrations() {
        try (MajordomoBroker first = broker(); MajordomoBroker second = broker()) {
            String both = first.connectEndpoint() + "," + second.connectEndpoint();
            this.contextRunner.withPropertyValues("pirate.worker.endpoints=" + both, "pirate.client.endpoints=" + both)
                .run((context) -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> connected(registry, first) == 1
                            && connected(registry, second) == 1);
                    assertThat(context.getBean(PirateClient.class).request("echo", "hi")).isEqualTo("hi");
                    assertThat(registry.get("pirate.client.failovers").functionCounter().count()).isZero();
                    assertThat(registry.get("pirate.client.broker.skipped").tag("broker", second.connectEndpoint())
                        .gauge().value()).isZero();

                    second.close();
                    await().atMost(Duration.ofSeconds(20)).until(() -> connected(registry, second) == 0);
                    assertThat(connected(registry, first)).isEqualTo(1);
                });
        }
    }

    @Test
    void oneBrokerGetsNoPerBrokerSeries() {
        try (MajordomoBroker only = broker()) {
            this.contextRunner.withPropertyValues("pirate.worker.endpoint=" + only.connectEndpoint(),
                    "pirate.client.endpoint=" + only.connectEndpoint()).run((context) -> {
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.find("pirate.worker.broker.connected").gauges()).isEmpty();
                        assertThat(registry.find("pirate.client.failovers").functionCounters()).isEmpty();
                    });
        }
    }

    private static MajordomoBroker broker() {
        MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofMillis(250)).build();
        broker.start();
        return broker;
    }

    private static double connected(MeterRegistry registry, MajordomoBroker broker) {
        return registry.get("pirate.worker.broker.connected").tag("broker", broker.connectEndpoint()).gauge().value();
    }

    @MajordomoService("echo")
    static class Echo {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }
}
