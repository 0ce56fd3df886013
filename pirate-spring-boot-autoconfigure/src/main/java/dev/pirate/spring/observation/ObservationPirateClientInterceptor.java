package dev.pirate.spring.observation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.pirate.client.CallOptions;
import dev.pirate.client.PirateException;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.spring.PirateClientInterceptor;

/**
 * Observes each brokered {@link dev.pirate.spring.PirateClient PirateClient} call and sends the trace
 * context that a tracing handler injected into the observation with the call (PX/1 field 0x03).
 */
public class ObservationPirateClientInterceptor implements PirateClientInterceptor {

    private static final DefaultPirateClientObservationConvention DEFAULT_CONVENTION = new DefaultPirateClientObservationConvention();

    private final ObservationRegistry registry;

    private final @Nullable PirateClientObservationConvention convention;

    /**
     * Creates an interceptor.
     * @param registry the observation registry
     * @param convention a convention that replaces the default one, or {@code null}
     */
    public ObservationPirateClientInterceptor(ObservationRegistry registry,
            @Nullable PirateClientObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public List<byte[]> intercept(String service, CallOptions options, Function<CallOptions, List<byte[]>> call) {
        PirateClientObservationContext context = new PirateClientObservationContext(service);
        Observation observation = observation(context).start();
        try (Observation.Scope scope = observation.openScope()) {
            return call.apply(withTraceContext(options, context));
        }
        catch (RuntimeException ex) {
            failed(observation, context, ex);
            throw ex;
        }
        finally {
            observation.stop();
        }
    }

    @Override
    public CompletableFuture<List<byte[]>> interceptAsync(String service, CallOptions options,
            Function<CallOptions, CompletableFuture<List<byte[]>>> call) {
        PirateClientObservationContext context = new PirateClientObservationContext(service);
        Observation observation = observation(context).start();
        CompletableFuture<List<byte[]>> future;
        try (Observation.Scope scope = observation.openScope()) {
            future = call.apply(withTraceContext(options, context));
        }
        catch (RuntimeException ex) {
            failed(observation, context, ex);
            observation.stop();
            throw ex;
        }
        return future.whenComplete((reply, failure) -> {
            if (failure != null) {
                failed(observation, context, (failure instanceof CompletionException && failure.getCause() != null)
                        ? failure.getCause() : failure);
            }
            observation.stop();
        });
    }

    private Observation observation(PirateClientObservationContext context) {
        return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry);
    }

    /** Only a trace context PX/1 can carry goes out; anything else is dropped rather than failing the call. */
    private static CallOptions withTraceContext(CallOptions options, PirateClientObservationContext context) {
        String traceContext = context.getTraceContext();
        if (traceContext == null
                || !PirateExtension.isValidTraceContext(traceContext.getBytes(StandardCharsets.ISO_8859_1))) {
            return options;
        }
        return options.withTraceContext(traceContext);
    }

    private static void failed(Observation observation, PirateClientObservationContext context, Throwable failure) {
        context.setOutcome(PirateException.outcomeOf(failure));
        observation.error(failure);
    }
}
