package dev.pirate.spring.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.spring.PirateClient;
import dev.pirate.spring.autoconfigure.EchoServiceConfiguration;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;
import dev.pirate.spring.autoconfigure.metrics.PirateMetricsAutoConfiguration;
import dev.pirate.spring.observation.DefaultPirateClientObservationConvention;
import dev.pirate.spring.observation.DefaultPirateWorkerObservationConvention;
import dev.pirate.spring.observation.ObservationMajordomoHandlerInterceptor;
import dev.pirate.spring.observation.ObservationPirateClientInterceptor;
import dev.pirate.spring.test.PirateTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PirateObservationAutoConfiguration}: a handler's span is a child of its caller's,
 * across the embedded broker (PX/1 trace context), and Boot's meter handler times neither a second time.
 */
@Timeout(60)
class PirateObservationAutoConfigurationTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String REQUEST_SPAN_ID = "00f067aa0ba902b7";

    private static final String INCOMING_REQUEST = "incoming.request";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class, PirateObservationAutoConfiguration.class))
        .withUserConfiguration(EchoServiceConfiguration.class)
        .withPropertyValues("pirate.broker.enabled=true", "pirate.broker.bind=tcp://127.0.0.1:*",
                "pirate.worker.shutdown-grace-period=1s");

    @Test
    void theHandlersSpanIsAChildOfTheCallersSpanInTheSameTrace() {
        // Caller and handler each get their own tracer, as in two processes: a test tracer's current
        // span is visible to every thread, so one tracer could link the spans without PX/1.
        SimpleTracer callerTracer = new SimpleTracer();
        SimpleTracer handlerTracer = new SimpleTracer();
        ObservationRegistry callerObservations = tracing(callerTracer);
        this.contextRunner
            .withBean(ObservationPirateClientInterceptor.class,
                    () -> new ObservationPirateClientInterceptor(callerObservations, null))
            .withBean(ObservationMajordomoHandlerInterceptor.class,
                    () -> new ObservationMajordomoHandlerInterceptor(tracing(handlerTracer), null))
            .run((context) -> {
                PirateTestSupport.awaitWorkersRegistered(context);
                PirateClient client = context.getBean(PirateClient.class);
                // The calls run inside an incoming request's observation, whose span has known ids.
                Observation request = Observation.start(INCOMING_REQUEST, callerObservations);
                try (Observation.Scope scope = request.openScope()) {
                    assertThat(client.request("echo", "traced")).isEqualTo("traced");
                    assertThat(client.requestAsync("echo", "async").get(10, TimeUnit.SECONDS)).isEqualTo("async");
                }
                request.stop();

                await().atMost(Duration.ofSeconds(10)).until(() -> spans(callerTracer, "call echo").size() == 2
                        && handlerTracer.getSpans().size() == 2);
                List<SimpleSpan> calls = spans(callerTracer, "call echo");
                List<SimpleSpan> handlings = spans(handlerTracer, "handle echo");
                assertThat(calls).hasSize(2);
                assertThat(handlings).hasSize(2);
                for (SimpleSpan handling : handlings) {
                    SimpleSpan caller = calls.stream()
                        .filter((call) -> call.getSpanId().equals(handling.getParentId()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("handle span " + handling.getSpanId() + " has parent "
                                + handling.getParentId() + ", not a call span of " + calls));
                    assertThat(handling.getTraceId()).isEqualTo(caller.getTraceId()).isEqualTo(TRACE_ID);
                }
                assertThat(calls).extracting(SimpleSpan::getParentId)
                    .containsOnly(spans(callerTracer, INCOMING_REQUEST).get(0).getSpanId());
                assertThat(calls).allSatisfy((call) -> assertThat(call.getTags()).containsEntry("service", "echo")
                    .containsEntry("outcome", "success"));
                assertThat(handlings).allSatisfy((handling) -> assertThat(handling.getTags())
                    .containsEntry("service", "echo")
                    .containsEntry("outcome", "success"));
            });
    }

    private static ObservationRegistry tracing(SimpleTracer tracer) {
        ObservationRegistry registry = ObservationRegistry.create();
        Propagator propagator = new TraceparentPropagator(tracer);
        registry.observationConfig()
            .observationHandler(new FirstMatchingCompositeObservationHandler(
                    new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                    new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                    new IncomingRequestHandler(tracer), new DefaultTracingObservationHandler(tracer)));
        return registry;
    }

    /**
     * Starts the span of an {@value #INCOMING_REQUEST} observation in a known trace: the test tracer gives
     * a span ids only when it has a parent, and so no ids to a root.
     */
    private static final class IncomingRequestHandler extends DefaultTracingObservationHandler {

        private final SimpleTracer tracer;

        IncomingRequestHandler(SimpleTracer tracer) {
            super(tracer);
            this.tracer = tracer;
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return INCOMING_REQUEST.equals(context.getName());
        }

        @Override
        public void onStart(Observation.Context context) {
            Span span = this.tracer.spanBuilder()
                .setParent(this.tracer.traceContextBuilder().traceId(TRACE_ID).spanId(REQUEST_SPAN_ID).sampled(true)
                    .build())
                .name(INCOMING_REQUEST)
                .start();
            getTracingContext(context).setSpan(span);
        }
    }

    @Test
    void bootsMeterHandlerDoesNotTimePirateObservationsASecondTime() {
        this.contextRunner
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    PirateMetricsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(ObservationPirateClientInterceptor.class)
                    .hasSingleBean(ObservationMajordomoHandlerInterceptor.class);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                ObservationRegistry observations = context.getBean(ObservationRegistry.class);
                PirateTestSupport.awaitWorkersRegistered(context);
                assertThat(context.getBean(PirateClient.class).request("echo", "once")).isEqualTo("once");
                Observation.createNotStarted("control", observations).observe(() -> {
                });

                assertThat(meters.find("control").timer()).as("Boot's meter handler is active").isNotNull();
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(meters.find("pirate.worker.requests").timers()).isNotEmpty());
                assertThat(meters.get("pirate.client.requests").tag("outcome", "success").timer().count()).isOne();
                assertThat(meters.find(DefaultPirateClientObservationConvention.NAME).meters()).isEmpty();
                assertThat(meters.find(DefaultPirateWorkerObservationConvention.NAME).meters()).isEmpty();
            });
    }

    @Test
    void runWithoutAnObservationRegistryShouldNotCreateTheInterceptors() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ObservationPirateClientInterceptor.class)
            .doesNotHaveBean(ObservationMajordomoHandlerInterceptor.class));
    }

    @Test
    void runWithoutMicrometerObservationShouldNotCreateTheInterceptors() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(ObservationPirateClientInterceptor.class));
    }

    private static List<SimpleSpan> spans(SimpleTracer tracer, String name) {
        return tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
    }

    /** A W3C {@code traceparent} propagator over the test tracer, which has none of its own. */
    private record TraceparentPropagator(SimpleTracer tracer) implements Propagator {

        @Override
        public List<String> fields() {
            return List.of("traceparent");
        }

        @Override
        public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
            setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
        }

        @Override
        public <C> Span.Builder extract(C carrier, Getter<C> getter) {
            Optional<String[]> parts = Optional.ofNullable(getter.get(carrier, "traceparent")).map((v) -> v.split("-"));
            if (parts.isEmpty()) {
                return this.tracer.spanBuilder();
            }
            TraceContext parent = this.tracer.traceContextBuilder()
                .traceId(parts.get()[1])
                .spanId(parts.get()[2])
                .sampled(true)
                .build();
            return this.tracer.spanBuilder().setParent(parent);
        }
    }
}
