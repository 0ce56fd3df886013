package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.zeromq.ZContext;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.protocol.Mdp;
import dev.pirate.support.Checks;
import dev.pirate.support.Endpoints;
import dev.pirate.support.Sockets;

/**
 * A Lazy Pirate MDP/0.1 client: requests to named services through a Majordomo broker, with a
 * timeout per attempt, retries on new sockets, and a clear error when it gives up.
 * <p>
 * Thread-safe: many threads may call it at once. Synchronous calls run on the caller's thread;
 * asynchronous calls share one I/O thread and may have many requests in flight.
 * <p>
 * With {@link #builder(List) several brokers}, the client spreads its requests over them: each
 * attempt goes to the broker with the fewest attempts in flight (round robin among equals), so a
 * broker that stops answering stops getting new requests at once, and an attempt that times out is
 * sent again to another broker, with the same PX/1 request id and deadline. A broker on which
 * {@link Builder#brokerFailurePolicy(int, Duration) a number of attempts in a row} timed out is
 * skipped for a quarantine, then probed by one request; any answer puts it back in the rotation. A
 * broker that answers "unknown service" (no worker registered with it, e.g. just after it
 * restarted) is passed over for the rest of that call, without counting against it or the call's
 * retries; the call fails as unknown only when every broker said so. Each broker has its own
 * sockets and I/O thread, and its own in-flight limit.
 * <pre>{@code
 * try (MajordomoClient client = MajordomoClient.builder("tcp://localhost:5555").build()) {
 *     byte[] reply = client.request("echo", "hello".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class MajordomoClient implements AutoCloseable {

    private final Calls engine;

    private final List<String> endpoints;

    /** Whether every broker is reached with CURVE. */
    private final boolean curve;

    /** The policy over several brokers; {@code null} with one broker. */
    private final BrokerFailover failover;

    private MajordomoClient(Builder builder) {
        this.endpoints = builder.endpoints;
        this.curve = builder.security != null;
        if (builder.endpoints.size() == 1) {
            this.failover = null;
            this.engine = single(builder.engine(builder.wire()));
        }
        else {
            PirateListener listener = CompositeListener.guard(builder.listener);
            PirateListener attempts = BrokerFailover.attemptListener(listener);
            List<ClientEngine> engines = new CopyOnWriteArrayList<>();
            // One context, so one ZeroMQ I/O thread, for the connections to every broker, unless the
            // caller shares one of its own: a thread per broker would buy nothing but threads.
            ZContext owned = (builder.sharedContext == null) ? sharedByEngines(builder, engines) : null;
            ZContext context = (owned != null) ? owned : builder.sharedContext;
            try {
                for (int i = 0; i < builder.endpoints.size(); i++) {
                    // One wire per broker: PX/1 is negotiated with each broker on its own.
                    engines.add(builder.engine(builder.wire(), builder.endpoints.get(i),
                            builder.threadName + "-" + (i + 1), attempts, context));
                }
            }
            catch (RuntimeException ex) {
                engines.forEach(ClientEngine::close);
                if (owned != null) {
                    Sockets.close(owned);
                }
                throw ex;
            }
            this.failover = new BrokerFailover(engines,
                    new BrokerSelector(engines.size(), builder.failureThreshold, builder.quarantine.toNanos()),
                    listener, builder.defaults, builder.callbackExecutor(), owned);
            this.failover.startWatch(builder.threadName + "-watch");
            this.engine = this.failover;
        }
    }

    /**
     * Makes the context the engines of a client over several brokers share: its socket cap is every
     * engine's, plus the broker watch's two sockets per broker, and a dying I/O thread is told to
     * every engine, which fails its requests as it would with a context of its own.
     */
    private static ZContext sharedByEngines(Builder builder, List<ClientEngine> engines) {
        ZContext context = new ZContext(1);
        long cap = (long) builder.endpoints.size() * (ClientEngine.socketCap(builder.maxInFlight) + 2);
        context.getContext().setMaxSockets((int) Math.min(Integer.MAX_VALUE - 16, cap));
        Sockets.watchIoThreads(context, (cause) -> engines.forEach((engine) -> engine.contextDied(cause)));
        return context;
    }

    private static Calls single(ClientEngine engine) {
        return new Calls() {

            @Override
            public List<byte[]> call(String target, List<byte[]> body, CallOptions options) {
                return engine.call(target, body, options);
            }

            @Override
            public CompletableFuture<List<byte[]>> callAsync(String target, List<byte[]> body, CallOptions options) {
                return engine.callAsync(target, body, options);
            }

            @Override
            public CallOptions defaults() {
                return engine.defaults();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    /**
     * Starts building a client.
     * @param endpoint the broker endpoint, e.g. {@code tcp://localhost:5555}
     * @return a builder with the Guide's defaults (2500 ms, 3 retries)
     */
    public static Builder builder(String endpoint) {
        return new Builder(endpoint);
    }

    /**
     * Starts building a client that spreads its requests over several brokers, which should serve
     * the same services (workers registered with each).
     * @param endpoints one to {@value BrokerSelector#MAX_BROKERS} broker endpoints, without duplicates
     * @return a builder with the Guide's defaults (2500 ms, 3 retries) and a broker failure policy of
     *     2 timed-out attempts in a row and a quarantine of 5 s
     */
    public static Builder builder(List<String> endpoints) {
        return new Builder(endpoints);
    }

    /**
     * Returns the broker endpoint.
     * @return the endpoint; with several brokers, the first of {@link #endpoints()}
     */
    public String endpoint() {
        return this.endpoints.get(0);
    }

    /**
     * Returns every broker endpoint the client uses.
     * @return the endpoints, in the configured order
     */
    public List<String> endpoints() {
        return this.endpoints;
    }

    /**
     * Returns how many attempts were sent to another broker than the attempt before them, because
     * that one timed out or knew no worker for the service.
     * @return failovers since the client was built; always 0 with one broker
     */
    public long failovers() {
        return (this.failover != null) ? this.failover.failovers() : 0;
    }

    /** The context the engines of a client over several brokers share; {@code null} with one broker. */
    ZContext sharedEngineContext() {
        return (this.failover != null) ? this.failover.engineContext() : null;
    }

    /**
     * Tells whether one of several brokers is being skipped because attempts on it kept timing out.
     * @param endpoint one of {@link #endpoints()}
     * @return {@code true} while it is in quarantine; {@code false} for a broker in the rotation,
     *     for a client with one broker, and for an endpoint the client does not use
     */
    public boolean isBrokerSkipped(String endpoint) {
        int index = this.endpoints.indexOf(endpoint);
        return this.failover != null && index >= 0 && this.failover.selector().isSkipped(index);
    }

    /**
     * Tells whether the client connects with CURVE.
     * @return {@code true} when built with a {@link dev.pirate.security.ClientSecurity}
     */
    public boolean isCurve() {
        return this.curve;
    }

    /**
     * Returns the default timeout and retries.
     * @return the defaults
     */
    public CallOptions defaults() {
        return this.engine.defaults();
    }

    /**
     * Sends a one-frame request and returns the first reply frame.
     * @param service the service name
     * @param body the request body
     * @return the first frame of the reply body
     * @throws PirateTimeoutException if every attempt timed out
     * @throws PirateUnknownServiceException if the broker knows no worker for the service
     * @throws PirateRemoteException if the service's handler failed
     */
    public byte[] request(String service, byte[] body) {
        return request(service, List.of(body)).get(0);
    }

    /**
     * Sends a request with the default timeout and retries.
     * @param service the service name
     * @param body the request body frames, at least one
     * @return the reply body frames
     * @throws PirateTimeoutException if every attempt timed out
     * @throws PirateUnknownServiceException if the broker knows no worker for the service
     * @throws PirateRemoteException if the service's handler failed
     */
    public List<byte[]> request(String service, List<byte[]> body) {
        return request(service, body, this.engine.defaults());
    }

    /**
     * Sends a request with the given timeout and retries.
     * @param service the service name
     * @param body the request body frames, at least one
     * @param options timeout and retries for this request
     * @return the reply body frames
     * @throws PirateTimeoutException if every attempt timed out
     * @throws PirateUnknownServiceException if the broker knows no worker for the service
     * @throws PirateRemoteException if the service's handler failed
     * @throws PirateInvalidServiceException if the service name is not a valid MDP service name
     */
    public List<byte[]> request(String service, List<byte[]> body, CallOptions options) {
        return this.engine.call(checkService(service), body, options);
    }

    /**
     * Sends a request without waiting, with the default timeout and retries.
     * @param service the service name
     * @param body the request body frames, at least one
     * @return the reply body frames, or one of the exceptions of {@link #request(String, List)}
     */
    public CompletableFuture<List<byte[]>> requestAsync(String service, List<byte[]> body) {
        return requestAsync(service, body, this.engine.defaults());
    }

    /**
     * Sends a request without waiting.
     * @param service the service name
     * @param body the request body frames, at least one
     * @param options timeout and retries for this request
     * @return the reply body frames, or one of the exceptions of {@link #request(String, List)}
     */
    public CompletableFuture<List<byte[]>> requestAsync(String service, List<byte[]> body, CallOptions options) {
        return this.engine.callAsync(checkService(service), body, options);
    }

    /**
     * Asks the broker whether a service has at least one worker (MMI {@code mmi.service}).
     * @param service the service name
     * @return {@code true} for 200, {@code false} for 404
     * @throws PirateTimeoutException if the broker did not answer
     */
    public boolean serviceExists(String service) {
        checkService(service);
        if (this.failover != null) {
            return this.failover.serviceExists(service);
        }
        byte[] answer = this.engine.call(Mdp.MMI_SERVICE, List.of(service.getBytes(StandardCharsets.US_ASCII)),
                this.engine.defaults()).get(0);
        return Mdp.is(answer, Mdp.MMI_FOUND);
    }

    private String checkService(String service) {
        if (!Mdp.isValidServiceName(service)) {
            throw new PirateInvalidServiceException(service, String.join(",", this.endpoints));
        }
        return service;
    }

    /**
     * Fails requests still in flight, then closes every socket.
     */
    @Override
    public void close() {
        this.engine.close();
    }

    /**
     * Builds {@link MajordomoClient}s.
     */
    public static final class Builder extends ClientBuilder<Builder> {

        private boolean pirateExtensions = true;

        private final List<String> endpoints;

        private int failureThreshold = 2;

        private Duration quarantine = Duration.ofSeconds(5);

        private Builder(String endpoint) {
            super(endpoint);
            this.endpoints = List.of(endpoint);
        }

        private Builder(List<String> endpoints) {
            super(checkBrokers(endpoints).get(0));
            this.endpoints = List.copyOf(endpoints);
        }

        /** Checks the list before the superclass takes its first endpoint. */
        private static List<String> checkBrokers(List<String> endpoints) {
            Endpoints.checkAll(endpoints, "endpoints");
            if (endpoints.size() > BrokerSelector.MAX_BROKERS) {
                throw new IllegalArgumentException("endpoints: at most " + BrokerSelector.MAX_BROKERS
                        + " brokers, not " + endpoints.size());
            }
            return endpoints;
        }

        private Wire wire() {
            return this.pirateExtensions ? new PirateWire() : MdpWire.INSTANCE;
        }

        /**
         * Sets when one of several brokers is skipped: after {@code threshold} attempts in a row
         * timed out on it, for {@code quarantine}; then one request probes it, and any answer puts it
         * back in the rotation (default 2 and 5 s). No effect with one broker.
         * @param threshold timed-out attempts in a row, at least 1
         * @param quarantine how long the broker is skipped before it is probed, positive
         * @return this builder
         */
        public Builder brokerFailurePolicy(int threshold, Duration quarantine) {
            this.failureThreshold = Checks.atLeast(threshold, 1, "threshold");
            this.quarantine = Checks.positive(quarantine, "quarantine");
            return this;
        }

        /**
         * Sets whether the client negotiates Pirate's extension PX/1 with the broker (default
         * {@code true}; {@code docs/rfc/px-1.md}): one request id per call, so retries never run the
         * handler again; its deadline; refusals with a reason instead of timeouts. A foreign broker
         * answers the question {@code 501} and gets plain MDP/0.1 either way; {@code false} sends
         * plain MDP/0.1 only, not even the question.
         * @param enabled whether to negotiate
         * @return this builder
         */
        public Builder pirateExtensions(boolean enabled) {
            this.pirateExtensions = enabled;
            return this;
        }

        /**
         * Builds the client. Sockets connect lazily, on the first request.
         * @return the client
         */
        public MajordomoClient build() {
            return new MajordomoClient(this);
        }
    }
}
