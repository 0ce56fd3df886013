package dev.pirate.spring.broker;

import org.springframework.beans.factory.DisposableBean;
import org.zeromq.ZContext;

import dev.pirate.support.Sockets;

/**
 * The ZeroMQ context that an embedded broker shares with the application's own workers and
 * {@code PirateClient}, so they reach it over {@value #ENDPOINT} instead of TCP loopback: no kernel
 * round trip and no ZeroMQ I/O thread between them. Remote peers still use the broker's TCP endpoint.
 * <p>
 * Each component creates its sockets in a shadow of this context and closes them when it stops; the
 * context itself is closed last, when the application context closes.
 */
public final class InProcessContext implements DisposableBean {

    /** The endpoint the embedded broker binds in this context. */
    public static final String ENDPOINT = "inproc://pirate-broker";

    /**
     * Sockets the context may hold: the client holds one per request in flight (1,000 by default),
     * each worker connection one, a credited worker's handler threads one each.
     */
    static final int MAX_SOCKETS = 16_384;

    private final ZContext context;

    /**
     * Creates the context.
     * @param ioThreads the ZeroMQ I/O threads, which serve the broker's TCP peers
     */
    public InProcessContext(int ioThreads) {
        this.context = new ZContext(ioThreads);
        this.context.getContext().setMaxSockets(MAX_SOCKETS);
    }

    /**
     * Returns the shared context, to pass to the builders' {@code context(...)}.
     * @return the context
     */
    public ZContext context() {
        return this.context;
    }

    /**
     * Tells whether an endpoint is served through this context.
     * @param endpoint a ZeroMQ endpoint
     * @return {@code true} for {@value #ENDPOINT}
     */
    public static boolean serves(String endpoint) {
        return ENDPOINT.equals(endpoint);
    }

    /** Closes what is still open in the context, then the context, without ever hanging. */
    @Override
    public void destroy() {
        Sockets.close(this.context);
    }
}
