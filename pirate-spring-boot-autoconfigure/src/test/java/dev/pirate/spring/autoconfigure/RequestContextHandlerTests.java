package dev.pirate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.zeromq.SocketType;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.testing.RawPeer;
import dev.pirate.worker.RequestContext;

/**
 * {@link MajordomoHandler @MajordomoHandler} methods that declare a {@link RequestContext}, served
 * through a real embedded broker on a free loopback port, and the threads they run on.
 */
@Timeout(60)
class RequestContextHandlerTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class))
        .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.worker.shutdown-grace-period=2s");

    @Test
    void aHandlerTakingBodyAndContextSeesTheServiceAndThePx1CallersIdAndDeadline() {
        this.contextRunner.withBean(BodyAndContext.class).run((context) -> {
            MajordomoServiceTests.awaitConnected(context.getBean(MajordomoWorkerContainer.class));
            BodyAndContext service = context.getBean(BodyAndContext.class);
            assertThat(context.getBean(PirateClient.class).request("ctx", "hi")).isEqualTo("hi@ctx");
            assertThat(service.seen).singleElement()
                .satisfies((seen) -> assertThat(seen.service()).isEqualTo("ctx"));

            // A PX/1 caller with an id and a deadline, in raw frames: the embedded broker passes both on.
            String endpoint = context.getBean(MajordomoBroker.class).connectEndpoint();
            try (RawPeer caller = RawPeer.connect(SocketType.DEALER, endpoint)) {
                byte[] id = MajordomoServiceTests.bytes("spring-call-1");
                Instant before = Instant.now();
                caller.send(new byte[0], MajordomoServiceTests.bytes("MDPC01"), MajordomoServiceTests.bytes("ctx"), PirateExtension.pxFrame(id, 4000),
                        MajordomoServiceTests.bytes("raw"));
                assertThat(RawPeer.describe(caller.receive())).containsExactly("", "MDPC01", "ctx", "raw@ctx");
                RequestContext seen = service.seen.get(1);
                assertThat(seen.requestIdHex()).hasValue(HexFormat.of().formatHex(id));
                assertThat(seen.deadline()).hasValueSatisfying((deadline) -> assertThat(deadline)
                    .isBetween(before.plusSeconds(3), Instant.now().plusMillis(4050)));
            }
        });
    }

    @Test
    void theContextMayComeFirstOrAlone() {
        this.contextRunner.withBean(ContextFirst.class).withBean(ContextOnly.class).run((context) -> {
            MajordomoServiceTests.awaitConnected(context.getBean(MajordomoWorkerContainer.class));
            PirateClient client = context.getBean(PirateClient.class);
            assertThat(client.request("first", new byte[] { 7 })).isEqualTo(MajordomoServiceTests.bytes("first:1"));
            assertThat(client.request("alone", "ignored")).isEqualTo("alone");
        });
    }

    @Test
    void twoBodyParametersFailStartupNamingRequestContext() {
        assertStartupFails(MajordomoServiceTests.TwoParameters.class,
                "takes 2 parameters (2 for the request body, 0 RequestContext)");
    }

    @Test
    void twoContextsFailStartup() {
        assertStartupFails(TwoContexts.class, "takes 3 parameters (1 for the request body, 2 RequestContext)");
    }

    @Test
    void withoutVirtualThreadsTheHandlerRunsOnANamedPlatformThread() {
        this.contextRunner.withBean(ThreadProbe.class).run((context) -> {
            MajordomoServiceTests.awaitConnected(context.getBean(MajordomoWorkerContainer.class));
            assertThat(context.getBean(PirateClient.class).request("probe", "x")).isEqualTo("pirate-worker-probe-1 false");
        });
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void withVirtualThreadsEnabledTheHandlerRunsOnANamedVirtualThread() {
        this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true")
            .withBean(ThreadProbe.class)
            .run((context) -> {
                MajordomoServiceTests.awaitConnected(context.getBean(MajordomoWorkerContainer.class));
                assertThat(context.getBean(PirateClient.class).request("probe", "x"))
                    .isEqualTo("pirate-worker-probe-1 true");
            });
    }

    private void assertStartupFails(Class<?> serviceClass, String problem) {
        this.contextRunner.withBean("badService", serviceClass).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@MajordomoService bean 'badService'")
                .hasMessageContaining(problem);
        });
    }

    @MajordomoService("ctx")
    static class BodyAndContext {

        final List<RequestContext> seen = new CopyOnWriteArrayList<>();

        @MajordomoHandler
        String handle(String body, RequestContext context) {
            this.seen.add(context);
            return body + "@" + context.service();
        }
    }

    @MajordomoService("first")
    static class ContextFirst {

        @MajordomoHandler
        String handle(RequestContext context, byte[] body) {
            return context.service() + ":" + body.length;
        }
    }

    @MajordomoService("alone")
    static class ContextOnly {

        @MajordomoHandler
        String handle(RequestContext context) {
            return context.service();
        }
    }

    @MajordomoService("two-contexts")
    static class TwoContexts {

        @MajordomoHandler
        String handle(RequestContext first, String body, RequestContext second) {
            return body;
        }
    }

    /** Answers with the name of the thread it runs on and whether that thread is virtual. */
    @MajordomoService("probe")
    static class ThreadProbe {

        @MajordomoHandler
        String handle(String body) throws ReflectiveOperationException {
            Thread thread = Thread.currentThread();
            return thread.getName() + " " + isVirtual(thread);
        }

        /** {@code Thread.isVirtual()} is Java 21; this module compiles for 17, where no thread is virtual. */
        private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
            try {
                return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
            }
            catch (NoSuchMethodException ex) {
                return false;
            }
        }
    }
}
