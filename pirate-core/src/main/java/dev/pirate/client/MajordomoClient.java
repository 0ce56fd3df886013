package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.pirate.protocol.Mdp;

/**
 * A Lazy Pirate MDP/0.1 client: requests to named services through a Majordomo broker, with a
 * timeout per attempt, retries on new sockets, and a clear error when it gives up.
 * <p>
 * Thread-safe: many threads may call it at once. Synchronous calls run on the caller's thread;
 * asynchronous calls share one I/O thread and may have many requests in flight.
 * <pre>{@code
 * try (MajordomoClient client = MajordomoClient.builder("tcp://localhost:5555").build()) {
 *     byte[] reply = client.request("echo", "hello".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class MajordomoClient implements AutoCloseable {

    private final ClientEngine engine;

    private MajordomoClient(Builder builder) {
        this.engine = builder.engine(builder.pirateExtensions ? new PirateWire() : MdpWire.INSTANCE);
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
     * Returns the broker endpoint.
     * @return the endpoint
     */
    public String endpoint() {
        return this.engine.endpoint();
    }

    /**
     * Tells whether the client connects with CURVE.
     * @return {@code true} when built with a {@link dev.pirate.security.ClientSecurity}
     */
    public boolean isCurve() {
        return this.engine.isCurve();
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
        byte[] answer = this.engine.call(Mdp.MMI_SERVICE, List.of(service.getBytes(StandardCharsets.US_ASCII)),
                this.engine.defaults()).get(0);
        return Mdp.is(answer, Mdp.MMI_FOUND);
    }

    private String checkService(String service) {
        if (!Mdp.isValidServiceName(service)) {
            throw new PirateInvalidServiceException(service, this.engine.endpoint());
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

        private Builder(String endpoint) {
            super(endpoint);
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
