package dev.pirate.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;
import dev.pirate.spring.PayloadConverter;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.broker.InProcessContext;
import dev.pirate.spring.broker.MajordomoBrokerLifecycle;
import dev.pirate.spring.worker.MajordomoServiceDiscoverer;
import dev.pirate.spring.worker.MajordomoWorkerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PirateAutoConfiguration}: beans, conditions, back-off, customizers and property
 * validation.
 */
@Timeout(60)
class PirateAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class));

    @Test
    void defaultsCreateClientAndWorkerContainerButNoBroker() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(PirateClient.class)
                .hasSingleBean(MajordomoWorkerContainer.class)
                .hasSingleBean(PayloadConverter.class)
                .hasSingleBean(PirateConnectionDetails.class)
                .doesNotHaveBean(MajordomoBroker.class)
                .doesNotHaveBean(MajordomoBrokerLifecycle.class);
            PirateConnectionDetails details = context.getBean(PirateConnectionDetails.class);
            assertThat(details.getWorkerEndpoint()).isEqualTo("tcp://localhost:5555");
            assertThat(details.getClientEndpoint()).isEqualTo("tcp://localhost:5555");
            assertThat(context.getBean(MajordomoWorkerContainer.class).getServices()).isEmpty();
        });
    }

    @Test
    void defaultPropertiesFollowTheRfcAndTheGuide() {
        this.contextRunner.run((context) -> {
            PirateProperties properties = context.getBean(PirateProperties.class);
            assertThat(properties.getBroker().isEnabled()).isFalse();
            assertThat(properties.getBroker().getBind()).as("loopback unless told otherwise")
                .isEqualTo("tcp://127.0.0.1:5555");
            assertThat(properties.getBroker().getHeartbeatInterval()).isEqualTo(Duration.ofMillis(2500));
            assertThat(properties.getBroker().getLiveness()).isEqualTo(3);
            assertThat(properties.getBroker().getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(1));
            assertThat(properties.getBroker().getRequestExpiry()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.getWorker().getReconnectDelay()).isEqualTo(Duration.ofMillis(2500));
            assertThat(properties.getWorker().getMaxReconnectDelay()).isEqualTo(Duration.ofSeconds(32));
            assertThat(properties.getWorker().getShutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.getClient().getTimeout()).isEqualTo(Duration.ofMillis(2500));
            assertThat(properties.getClient().getRetries()).isEqualTo(3);
        });
    }

    @Test
    @Timeout(30)
    void runWhenBrokerEnabledShouldStartBrokerAndConnectToItInProcess() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .withUserConfiguration(EchoServiceConfiguration.class)
            .run((context) -> {
                assertThat(context).hasSingleBean(MajordomoBroker.class).hasSingleBean(MajordomoBrokerLifecycle.class)
                    .hasSingleBean(InProcessContext.class);
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                assertThat(broker.isRunning()).isTrue();
                assertThat(broker.connectEndpoint()).startsWith("tcp://127.0.0.1:").doesNotEndWith(":*");
                assertThat(broker.endpoints()).containsExactly(broker.connectEndpoint(), InProcessContext.ENDPOINT);
                PirateConnectionDetails details = context.getBean(PirateConnectionDetails.class);
                assertThat(details.getWorkerEndpoint()).isEqualTo(InProcessContext.ENDPOINT);
                assertThat(details.getClientEndpoint()).isEqualTo(InProcessContext.ENDPOINT);
                PirateClient client = context.getBean(PirateClient.class);
                assertThat(client.majordomoClient().endpoint()).isEqualTo(InProcessContext.ENDPOINT);
                assertThat(client.request("echo", "in process")).isEqualTo("in process");
                // The client's sockets live in the shared context: Spring must close the client first,
                // which it does for a bean that depends on the context.
                String sharedContext = context.getBeanNamesForType(InProcessContext.class)[0];
                assertThat(context.getBeanFactory().getDependentBeans(sharedContext))
                    .contains(context.getBeanNamesForType(PirateClient.class)[0]);
                // Remote peers still use TCP.
                try (MajordomoClient remote = MajordomoClient.builder(broker.connectEndpoint())
                        .timeout(Duration.ofSeconds(5)).build()) {
                    assertThat(remote.request("echo", "tcp".getBytes(StandardCharsets.UTF_8)))
                        .asString(StandardCharsets.UTF_8).isEqualTo("tcp");
                }
            });
    }

    @Test
    @Timeout(30)
    void runWhenInProcessIsOffShouldConnectToTheBoundEndpoint() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.broker.in-process=false")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(InProcessContext.class);
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                assertThat(broker.endpoints()).containsExactly(broker.connectEndpoint());
                PirateConnectionDetails details = context.getBean(PirateConnectionDetails.class);
                assertThat(details.getWorkerEndpoint()).isEqualTo(broker.connectEndpoint());
                assertThat(details.getClientEndpoint()).isEqualTo(broker.connectEndpoint());
                assertThat(context.getBean(PirateClient.class).majordomoClient().endpoint())
                    .isEqualTo(broker.connectEndpoint());
            });
    }

    @Test
    @Timeout(30)
    void explicitEndpointsWinOverTheEmbeddedBroker() {
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                    "pirate.worker.endpoint=tcp://example.org:7001", "pirate.client.endpoint=tcp://example.org:7002")
            .run((context) -> {
                PirateConnectionDetails details = context.getBean(PirateConnectionDetails.class);
                assertThat(details.getWorkerEndpoint()).isEqualTo("tcp://example.org:7001");
                assertThat(details.getClientEndpoint()).isEqualTo("tcp://example.org:7002");
            });
    }

    @Test
    void runWhenBrokerDisabledShouldNotCreateBroker() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(MajordomoBroker.class));
    }

    @Test
    @Timeout(30)
    void brokerPropertiesAreApplied() {
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                    "pirate.broker.heartbeat-interval=1s", "pirate.broker.liveness=5",
                    "pirate.broker.max-message-size=64KB", "pirate.broker.request-expiry=5s")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(MajordomoBroker.class).isRunning()).isTrue();
            });
    }

    @Test
    void userDefinedBeansMakeTheAutoConfigurationBackOff() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true")
            .withUserConfiguration(UserBeansConfiguration.class)
            .run((context) -> {
                assertThat(context).getBean(PirateClient.class).isSameAs(context.getBean("userClient"));
                assertThat(context).getBean(PayloadConverter.class).isSameAs(context.getBean("userConverter"));
                assertThat(context).getBean(MajordomoBroker.class).isSameAs(context.getBean("userBroker"));
                assertThat(context).getBean(PirateConnectionDetails.class)
                    .isSameAs(context.getBean("userConnectionDetails"));
                assertThat(context).getBean(MajordomoWorkerContainer.class)
                    .isSameAs(context.getBean("userContainer"));
                assertThat(context.getBean(MajordomoBroker.class).isRunning()).isTrue();
            });
    }

    @Test
    void payloadConverterUsesTheJsonMapperOfTheContext() {
        JsonMapper mapper = JsonMapper.builder().build();
        this.contextRunner.withBean(JsonMapper.class, () -> mapper).run((context) -> {
            PayloadConverter converter = context.getBean(PayloadConverter.class);
            assertThat(converter).extracting("jsonMapper").isSameAs(mapper);
        });
    }

    @Test
    void payloadConverterFollowsBootsJacksonConfiguration() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
            .run((context) -> {
                PayloadConverter converter = context.getBean(PayloadConverter.class);
                assertThat(new String(converter.write(new Counted(3)).get(0), StandardCharsets.UTF_8))
                    .isEqualTo("{\"word_count\":3}");
            });
    }

    @Test
    void payloadConverterWorksWithoutAJsonMapperBean() {
        this.contextRunner.run((context) -> {
            PayloadConverter converter = context.getBean(PayloadConverter.class);
            assertThat(converter.read(converter.write(new Counted(7)), Counted.class)).isEqualTo(new Counted(7));
        });
    }

    @Test
    @Timeout(30)
    void customizersAreAppliedInOrder() {
        List<String> calls = new CopyOnWriteArrayList<>();
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .withBean("second", MajordomoBrokerCustomizer.class, () -> new OrderedBrokerCustomizer(2, calls))
            .withBean("first", MajordomoBrokerCustomizer.class, () -> new OrderedBrokerCustomizer(1, calls))
            .withBean(MajordomoWorkerCustomizer.class,
                    () -> (service, builder) -> builder.threadNamePrefix("custom-" + service))
            .withBean(PirateClientCustomizer.class, () -> (builder) -> calls.add("client"))
            .withUserConfiguration(EchoServiceConfiguration.class)
            .run((context) -> {
                // The customizer's endpoint, the configured one and the in-process one.
                assertThat(context.getBean(MajordomoBroker.class).endpoints()).hasSize(3);
                assertThat(calls).containsExactly("broker-1", "broker-2");
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> threadNames().stream().anyMatch((name) -> name.startsWith("custom-echo")));
                assertThat(context.getBean(PirateClient.class).request("echo", "hi")).isEqualTo("hi");
                assertThat(calls).containsExactly("broker-1", "broker-2", "client");
            });
    }

    @Test
    @Timeout(30)
    void listenerBeansReceiveBrokerWorkerAndClientEvents() {
        List<String> events = new CopyOnWriteArrayList<>();
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*")
            .withBean("brokerEvents", PirateListener.class, () -> new PirateListener() {
                @Override
                public void brokerWorkerRegistered(String service) {
                    events.add("registered " + service);
                }
            })
            .withBean("otherEvents", PirateListener.class, () -> new PirateListener() {
                @Override
                public void workerRequestCompleted(String service, boolean success, long nanos) {
                    events.add("handled " + service);
                }

                @Override
                public void clientRequestCompleted(String service, ClientOutcome outcome,
                        long nanos) {
                    events.add("client " + service + " " + outcome);
                }
            })
            .withUserConfiguration(EchoServiceConfiguration.class)
            .run((context) -> {
                context.getBean(PirateClient.class).request("echo", "hi");
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(events).contains("registered echo", "handled echo",
                            "client echo SUCCESS"));
            });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            pirate.client.endpoint          | localhost:5555
            pirate.client.endpoint          | tcp://*:5555
            pirate.worker.endpoint          | tcp://localhost
            pirate.worker.endpoint          | tcp://localhost:99999
            pirate.client.timeout           | -1s
            pirate.client.timeout           | 0ms
            pirate.client.retries           | -1
            pirate.client.deadline          | 0s
            pirate.client.retry.initial-backoff | -1ms
            pirate.client.retry.max-backoff | 50ms
            pirate.client.retry.multiplier  | 0.5
            pirate.worker.liveness          | 0
            pirate.worker.heartbeat-interval | 0s
            pirate.worker.reconnect-delay   | -5ms
            pirate.worker.max-reconnect-delay | 1s
            pirate.worker.shutdown-grace-period | -1s
            pirate.client.direct.billing.endpoint | billing:5556
            pirate.client.direct.billing.timeout | -2s
            """)
    void invalidPropertyFailsStartupNamingTheProperty(String property, String value) {
        List<String> values = new ArrayList<>(List.of(property + "=" + value));
        if (property.startsWith("pirate.client.direct.billing.") && !property.endsWith("endpoint")) {
            values.add("pirate.client.direct.billing.endpoint=tcp://localhost:5556");
        }
        this.contextRunner.withPropertyValues(values.toArray(String[]::new))
            .run((context) -> assertFailureNames(context, property));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            pirate.broker.bind              | localhost:5555
            pirate.broker.bind              | udp://*:5555
            pirate.broker.liveness          | 0
            pirate.broker.heartbeat-interval | -1s
            pirate.broker.request-expiry    | 0s
            pirate.broker.max-message-size  | 10B
            """)
    void invalidBrokerPropertyFailsStartupNamingTheProperty(String property, String value) {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true", property + "=" + value)
            .run((context) -> assertFailureNames(context, property));
    }

    @Test
    void directEndpointWithoutEndpointFailsStartup() {
        this.contextRunner.withPropertyValues("pirate.client.direct.billing.timeout=1s")
            .run((context) -> assertFailureNames(context, "pirate.client.direct.billing.endpoint"));
    }

    @Test
    void validEndpointsOfOtherTransportsAreAccepted() {
        this.contextRunner
            .withPropertyValues("pirate.client.endpoint=ipc:///tmp/pirate", "pirate.worker.endpoint=tcp://[::1]:5555",
                    "pirate.client.direct.local.endpoint=inproc://local")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    private static void assertFailureNames(AssertableApplicationContext context, String property) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause()
            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
            .hasMessageContaining(property)
            .satisfies((ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
                .isEqualTo(property));
    }

    record Counted(int wordCount) {
    }

    static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
    }

    record OrderedBrokerCustomizer(int order, List<String> calls) implements MajordomoBrokerCustomizer, Ordered {

        @Override
        public void customize(MajordomoBroker.Builder builder) {
            this.calls.add("broker-" + this.order);
            if (this.order == 2) {
                builder.bind("tcp://127.0.0.1:*");
            }
        }

        @Override
        public int getOrder() {
            return this.order;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeansConfiguration {

        @Bean
        PayloadConverter userConverter() {
            return new PayloadConverter(JsonMapper.builder().build());
        }

        @Bean
        PirateClient userClient(PayloadConverter converter) {
            return new PirateClient(MajordomoClient.builder("tcp://localhost:6000").build(), Map.of(),
                    converter);
        }

        @Bean
        MajordomoBroker userBroker() {
            return MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build();
        }

        @Bean
        PirateConnectionDetails userConnectionDetails() {
            return new PirateConnectionDetails() {
                @Override
                public String getWorkerEndpoint() {
                    return "tcp://localhost:6000";
                }

                @Override
                public String getClientEndpoint() {
                    return "tcp://localhost:6000";
                }
            };
        }

        @Bean
        MajordomoWorkerContainer userContainer(ListableBeanFactory beanFactory,
                PayloadConverter converter) {
            return new MajordomoWorkerContainer(
                    new MajordomoServiceDiscoverer(beanFactory, converter), (definition) -> {
                        throw new IllegalStateException("not used");
                    }, Duration.ZERO);
        }
    }
}
