package dev.pirate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.pirate.client.CallOptions;
import dev.pirate.client.PirateRemoteException;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.client.PirateUnknownServiceException;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.UpperCaseServer;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.worker.MajordomoServiceDeclarationException;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.RequestHandler;

/**
 * Tests for {@link MajordomoService @MajordomoService} beans served through a real embedded broker on
 * a free loopback port, and for the start-up errors of badly shaped service beans.
 */
@Timeout(60)
class MajordomoServiceTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class))
        .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.worker.shutdown-grace-period=2s");

    @Test
    void everyHandlerShapeAnswersThroughTheEmbeddedBroker() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            awaitConnected(context.getBean(MajordomoWorkerContainer.class));
            PirateClient client = context.getBean(PirateClient.class);
            assertThat(client.request("reverse", new byte[] { 1, 2, 3 })).containsExactly(3, 2, 1);
            assertThat(client.request("upper", "ahoy")).isEqualTo("AHOY");
            assertThat(client.requestFrames("swap", List.of(bytes("a"), bytes("b"))))
                .containsExactly(bytes("b"), bytes("a"));
            assertThat(client.request("sum", new Numbers(List.of(1, 2, 39)), Sum.class)).isEqualTo(new Sum(42));
            assertThat(client.requestFrames("raw", List.of(bytes("x")))).containsExactly(bytes("x"), bytes("!"));
            assertThat(client.request("tick", "ignored")).isEqualTo("tock");
        });
    }

    @Test
    void typedRepliesAreJsonOnTheWire() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            PirateClient client = context.getBean(PirateClient.class);
            assertThat(client.request("sum", "{\"values\":[2,3]}")).isEqualTo("{\"total\":5}");
        });
    }

    @Test
    void asynchronousCallsAndPerCallOptions() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            PirateClient client = context.getBean(PirateClient.class);
            CallOptions patient = new CallOptions(Duration.ofSeconds(5), 0);
            assertThat(client.requestAsync("upper", "a").get(10, TimeUnit.SECONDS)).isEqualTo("A");
            assertThat(client.requestAsync("reverse", new byte[] { 1, 2 }, patient).get(10, TimeUnit.SECONDS))
                .containsExactly(2, 1);
            assertThat(client.requestAsync("sum", new Numbers(List.of(4, 5)), Sum.class).get(10, TimeUnit.SECONDS))
                .isEqualTo(new Sum(9));
            assertThat(client.requestFramesAsync("swap", List.of(bytes("1"), bytes("2")), patient)
                .get(10, TimeUnit.SECONDS)).containsExactly(bytes("2"), bytes("1"));
            assertThat(client.request("upper", "b", patient)).isEqualTo("B");
        });
    }

    @Test
    void concurrencyOpensThatManyWorkerConnections() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            MajordomoWorkerContainer container = context.getBean(MajordomoWorkerContainer.class);
            MajordomoWorker upper = container.getWorkers()
                .stream()
                .filter((worker) -> worker.service().equals("upper"))
                .findFirst()
                .orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> upper.connectedCount() == 3);
        });
    }

    @Test
    void handlerExceptionReachesTheCallerAsRemoteErrorNamingServiceAndMessage() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            PirateClient client = context.getBean(PirateClient.class);
            assertThatExceptionOfType(PirateRemoteException.class).isThrownBy(() -> client.request("fail", "x"))
                .withMessageContaining("fail")
                .withMessageContaining("bad input");
            assertThat(client.request("upper", "still serving")).isEqualTo("STILL SERVING");
        });
    }

    @Test
    void unreadableJsonRequestIsAHandlerFailure() {
        this.contextRunner.withUserConfiguration(ShapesConfiguration.class).run((context) -> {
            PirateClient client = context.getBean(PirateClient.class);
            assertThatExceptionOfType(PirateRemoteException.class).isThrownBy(() -> client.request("sum", "not json"))
                .withMessageContaining("sum");
        });
    }

    @Test
    void serviceWithoutWorkerIsReportedAsUnknown() {
        this.contextRunner.withPropertyValues("pirate.client.timeout=500ms", "pirate.client.retries=1")
            .run((context) -> assertThatExceptionOfType(PirateUnknownServiceException.class)
                .isThrownBy(() -> context.getBean(PirateClient.class).request("nobody", "hello"))
                .withMessageContaining("nobody"));
    }

    @Test
    void directEndpointsAreCalledByNameWithoutBroker() throws Exception {
        try (ThreadedServer server = UpperCaseServer.start()) {
            this.contextRunner
                .withPropertyValues("pirate.client.direct.upper.endpoint=" + server.endpoint(),
                        "pirate.client.direct.silent.endpoint=tcp://127.0.0.1:1",
                        "pirate.client.direct.silent.timeout=100ms", "pirate.client.direct.silent.retries=0")
                .run((context) -> {
                    PirateClient client = context.getBean(PirateClient.class);
                    assertThat(client.directNames()).containsExactly("upper", "silent");
                    assertThat(client.direct("upper").request("abc")).isEqualTo("ABC");
                    assertThat(client.direct("upper").request(bytes("xyz"))).isEqualTo(bytes("XYZ"));
                    assertThat(client.direct("upper").defaults().retries()).isEqualTo(3);
                    assertThatExceptionOfType(PirateTimeoutException.class)
                        .isThrownBy(() -> client.direct("silent").request("hello"))
                        .withMessageContaining("silent");
                    assertThatIllegalArgumentException().isThrownBy(() -> client.direct("billing"))
                        .withMessageContaining("billing");
                });
        }
    }

    @Test
    void beanWithoutHandlerFailsStartup() {
        assertStartupFails(NoHandler.class, "declares 0 @MajordomoHandler methods");
    }

    @Test
    void beanWithTwoHandlersFailsStartup() {
        assertStartupFails(TwoHandlers.class, "declares 2 @MajordomoHandler methods [a, b]");
    }

    @Test
    void beanImplementingRequestHandlerAndDeclaringHandlerFailsStartup() {
        assertStartupFails(Both.class, "implements RequestHandler and also declares @MajordomoHandler");
    }

    @Test
    void invalidServiceNameFailsStartup() {
        assertStartupFails(BadName.class, "invalid service name 'two words'");
    }

    @Test
    void reservedServiceNameFailsStartup() {
        assertStartupFails(Reserved.class, "'mmi.' is reserved");
    }

    @Test
    void zeroConcurrencyFailsStartup() {
        assertStartupFails(ZeroConcurrency.class, "concurrency 0");
    }

    @Test
    void handlerWithTwoParametersFailsStartup() {
        assertStartupFails(TwoParameters.class, "takes 2 parameters");
    }

    @Test
    void voidHandlerFailsStartup() {
        assertStartupFails(VoidHandler.class, "returns void");
    }

    @Test
    void serviceDeclaredTwiceFailsStartup() {
        this.contextRunner.withBean("firstUpper", Upper.class).withBean("secondUpper", Upper.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                .hasMessageContaining("@MajordomoService bean 'secondUpper'")
                .hasMessageContaining("already served by bean 'firstUpper'");
        });
    }

    @Test
    void emptyServiceNameFailsStartup() {
        assertStartupFails(NoName.class, "invalid service name ''");
    }

    @Test
    void serviceAttributeIsAnAliasOfValue() {
        this.contextRunner.withUserConfiguration(Named.class).run((context) -> {
            assertThat(context.getBean(MajordomoWorkerContainer.class).getServices())
                .singleElement()
                .satisfies((definition) -> assertThat(definition.service()).isEqualTo("named"));
            assertThat(context.getBean(PirateClient.class).request("named", "x")).isEqualTo("named x");
        });
    }

    @Test
    void serviceNameIsNotUsedAsBeanName() {
        this.contextRunner.withUserConfiguration(Upper.class)
            .run((context) -> assertThat(context).doesNotHaveBean("upper").hasSingleBean(Upper.class));
    }

    private void assertStartupFails(Class<?> serviceClass, String problem) {
        this.contextRunner.withBean("badService", serviceClass).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                .isInstanceOf(MajordomoServiceDeclarationException.class)
                .hasMessageContaining("@MajordomoService bean 'badService'")
                .hasMessageContaining(problem);
        });
    }

    /** Waits until every worker of the container has a connection its broker answered. */
    static void awaitConnected(MajordomoWorkerContainer container) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> container.getWorkers().stream().allMatch((worker) -> worker.connectedCount() > 0));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record Numbers(List<Integer> values) {
    }

    record Sum(int total) {
    }

    @Configuration(proxyBeanMethods = false)
    static class ShapesConfiguration {

        @Bean
        Reverse reverse() {
            return new Reverse();
        }

        @Bean
        Upper upper() {
            return new Upper();
        }

        @Bean
        Swap swap() {
            return new Swap();
        }

        @Bean
        Adder adder() {
            return new Adder();
        }

        @Bean
        Raw raw() {
            return new Raw();
        }

        @Bean
        Tick tick() {
            return new Tick();
        }

        @Bean
        Failing failing() {
            return new Failing();
        }
    }

    @MajordomoService("reverse")
    static class Reverse {

        @MajordomoHandler
        byte[] reverse(byte[] body) {
            byte[] reversed = new byte[body.length];
            for (int i = 0; i < body.length; i++) {
                reversed[i] = body[body.length - 1 - i];
            }
            return reversed;
        }
    }

    @MajordomoService(value = "upper", concurrency = 3)
    static class Upper {

        @MajordomoHandler
        String upper(String text) {
            return text.toUpperCase();
        }
    }

    @MajordomoService("swap")
    static class Swap {

        @MajordomoHandler
        List<byte[]> swap(List<byte[]> frames) {
            List<byte[]> swapped = new ArrayList<>(frames);
            Collections.reverse(swapped);
            return swapped;
        }
    }

    @MajordomoService("sum")
    static class Adder {

        @MajordomoHandler
        Sum add(Numbers numbers) {
            return new Sum(numbers.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    @MajordomoService("raw")
    static class Raw implements RequestHandler {

        @Override
        public List<byte[]> handle(List<byte[]> body) {
            List<byte[]> reply = new ArrayList<>(body);
            reply.add(bytes("!"));
            return reply;
        }
    }

    @MajordomoService("tick")
    static class Tick {

        @MajordomoHandler
        String tock() {
            return "tock";
        }
    }

    @MajordomoService("fail")
    static class Failing {

        @MajordomoHandler
        String fail(String text) {
            throw new IllegalArgumentException("bad input: " + text);
        }
    }

    @MajordomoService
    static class NoName {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }

    @MajordomoService(service = "named")
    static class Named {

        @MajordomoHandler
        String handle(String text) {
            return "named " + text;
        }
    }

    @MajordomoService("none")
    static class NoHandler {

        String notAHandler(String text) {
            return text;
        }
    }

    @MajordomoService("two")
    static class TwoHandlers {

        @MajordomoHandler
        String a(String text) {
            return text;
        }

        @MajordomoHandler
        String b(String text) {
            return text;
        }
    }

    @MajordomoService("both")
    static class Both implements RequestHandler {

        @Override
        public List<byte[]> handle(List<byte[]> body) {
            return body;
        }

        @MajordomoHandler
        String handleText(String text) {
            return text;
        }
    }

    @MajordomoService("two words")
    static class BadName {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }

    @MajordomoService("mmi.custom")
    static class Reserved {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }

    @MajordomoService(value = "zero", concurrency = 0)
    static class ZeroConcurrency {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }

    @MajordomoService("pair")
    static class TwoParameters {

        @MajordomoHandler
        String handle(String first, String second) {
            return first + second;
        }
    }

    @MajordomoService("void")
    static class VoidHandler {

        @MajordomoHandler
        void handle(String text) {
        }
    }
}
