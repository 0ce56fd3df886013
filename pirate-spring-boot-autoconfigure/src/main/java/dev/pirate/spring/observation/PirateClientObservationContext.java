package dev.pirate.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

import dev.pirate.event.ClientOutcome;

/**
 * The context of a {@link dev.pirate.spring.PirateClient PirateClient} call's observation. It is its own
 * carrier: a tracing handler injects the caller's W3C {@code traceparent} into it, and the call sends it
 * to the handler in its PX/1 trace context field; other headers ({@code tracestate}, baggage) are not
 * carried.
 */
public class PirateClientObservationContext extends SenderContext<PirateClientObservationContext> {

    /** The one propagation header PX/1 carries. */
    public static final String TRACEPARENT = "traceparent";

    private final String service;

    private @Nullable String traceContext;

    private ClientOutcome outcome = ClientOutcome.SUCCESS;

    /**
     * Creates a context.
     * @param service the service called
     */
    public PirateClientObservationContext(String service) {
        super((carrier, key, value) -> {
            if (carrier != null && TRACEPARENT.equals(key)) {
                carrier.traceContext = value;
            }
        }, Kind.CLIENT);
        this.service = service;
        setCarrier(this);
        setRemoteServiceName(service);
    }

    /**
     * Returns the service called.
     * @return the service name
     */
    public String getService() {
        return this.service;
    }

    /**
     * Returns the trace context a tracing handler injected when the observation started.
     * @return a {@code traceparent} value, or {@code null} without tracing
     */
    public @Nullable String getTraceContext() {
        return this.traceContext;
    }

    /**
     * Returns how the call ended.
     * @return the outcome, {@code SUCCESS} until told otherwise
     */
    public ClientOutcome getOutcome() {
        return this.outcome;
    }

    /**
     * Sets how the call ended.
     * @param outcome the outcome
     */
    public void setOutcome(ClientOutcome outcome) {
        this.outcome = outcome;
    }
}
