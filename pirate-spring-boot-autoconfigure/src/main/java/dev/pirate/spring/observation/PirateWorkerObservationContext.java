package dev.pirate.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import dev.pirate.worker.RequestContext;

/**
 * The context of a {@link dev.pirate.spring.MajordomoService @MajordomoService} handler's observation.
 * Its carrier is the request's {@link RequestContext}: a tracing handler extracts the caller's
 * {@code traceparent} from {@link RequestContext#traceContext()}, so the handler's span is a child of
 * the caller's when client, broker and worker speak PX/1.
 */
public class PirateWorkerObservationContext extends ReceiverContext<RequestContext> {

    private boolean success = true;

    /**
     * Creates a context.
     * @param request the request's context
     */
    public PirateWorkerObservationContext(RequestContext request) {
        super((carrier, key) -> PirateClientObservationContext.TRACEPARENT.equals(key)
                ? carrier.traceContext().orElse(null) : null, Kind.SERVER);
        setCarrier(request);
        setRemoteServiceName("pirate-client");
    }

    /**
     * Returns the service the request was sent to.
     * @return the service name
     */
    public String getService() {
        RequestContext request = getCarrier();
        return (request != null) ? request.service() : "";
    }

    /**
     * Tells whether the handler answered.
     * @return {@code false} if it threw or returned no reply
     */
    public boolean isSuccess() {
        return this.success;
    }

    /**
     * Sets whether the handler answered.
     * @param success {@code false} if it threw or returned no reply
     */
    public void setSuccess(boolean success) {
        this.success = success;
    }
}
