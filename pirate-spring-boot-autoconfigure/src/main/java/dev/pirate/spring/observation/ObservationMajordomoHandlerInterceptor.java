package dev.pirate.spring.observation;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.pirate.spring.MajordomoHandlerInterceptor;
import dev.pirate.worker.ContextualRequestHandler;

/**
 * Observes each run of a {@link dev.pirate.spring.MajordomoService @MajordomoService} handler, as a child
 * of the caller's observation when the request carried its trace context.
 */
public class ObservationMajordomoHandlerInterceptor implements MajordomoHandlerInterceptor {

    private static final DefaultPirateWorkerObservationConvention DEFAULT_CONVENTION = new DefaultPirateWorkerObservationConvention();

    private final ObservationRegistry registry;

    private final @Nullable PirateWorkerObservationConvention convention;

    /**
     * Creates an interceptor.
     * @param registry the observation registry
     * @param convention a convention that replaces the default one, or {@code null}
     */
    public ObservationMajordomoHandlerInterceptor(ObservationRegistry registry,
            @Nullable PirateWorkerObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    @Override
    public ContextualRequestHandler intercept(String service, ContextualRequestHandler handler) {
        return (body, request) -> {
            PirateWorkerObservationContext context = new PirateWorkerObservationContext(request);
            Observation observation = Observation
                .createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
                .start();
            try (Observation.Scope scope = observation.openScope()) {
                @Nullable List<byte[]> reply = handler.handle(body, request);
                context.setSuccess(reply != null && !reply.isEmpty());
                return reply;
            }
            catch (Exception | Error ex) {
                context.setSuccess(false);
                observation.error(ex);
                throw ex;
            }
            finally {
                observation.stop();
            }
        };
    }
}
