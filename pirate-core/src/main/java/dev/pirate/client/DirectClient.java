package dev.pirate.client;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A Lazy Pirate client straight to a plain REP server, with no broker: timeout, close and reopen,
 * resend, give up after the retries with a clear error.
 * <p>
 * Each attempt uses a fresh socket after a timeout, so every reply received belongs to the request
 * sent on that socket. Thread-safe, like {@link MajordomoClient}.
 */
public final class DirectClient implements AutoCloseable {

    private final ClientEngine engine;

    private final String name;

    private DirectClient(Builder builder) {
        this.engine = builder.engine(PlainWire.INSTANCE);
        this.name = builder.name;
    }

    /**
     * Starts building a client.
     * @param endpoint the REP server's endpoint
     * @return a builder with the Guide's defaults (2500 ms, 3 retries)
     */
    public static Builder builder(String endpoint) {
        return new Builder(endpoint);
    }

    /**
     * Returns the name used in errors and metrics.
     * @return the name, by default the endpoint
     */
    public String name() {
        return this.name;
    }

    /**
     * Returns the server endpoint.
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
     * Sends a one-frame request and returns the first reply frame.
     * @param body the request body
     * @return the first frame of the reply
     * @throws PirateTimeoutException if every attempt timed out
     */
    public byte[] request(byte[] body) {
        return request(List.of(body)).get(0);
    }

    /**
     * Sends a request with the default timeout and retries.
     * @param body the request frames, at least one
     * @return the reply frames
     * @throws PirateTimeoutException if every attempt timed out
     */
    public List<byte[]> request(List<byte[]> body) {
        return request(body, this.engine.defaults());
    }

    /**
     * Sends a request.
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames
     * @throws PirateTimeoutException if every attempt timed out
     */
    public List<byte[]> request(List<byte[]> body, CallOptions options) {
        return this.engine.call(this.name, body, options);
    }

    /**
     * Sends a request without waiting.
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames, or a {@link PirateTimeoutException}
     */
    public CompletableFuture<List<byte[]>> requestAsync(List<byte[]> body, CallOptions options) {
        return this.engine.callAsync(this.name, body, options);
    }

    /**
     * Returns the default timeout and retries.
     * @return the defaults
     */
    public CallOptions defaults() {
        return this.engine.defaults();
    }

    @Override
    public void close() {
        this.engine.close();
    }

    /**
     * Builds {@link DirectClient}s.
     */
    public static final class Builder extends ClientBuilder<Builder> {

        private String name;

        private Builder(String endpoint) {
            super(endpoint);
            this.name = endpoint;
        }

        /**
         * Sets the name used in errors and metrics (default: the endpoint).
         * @param name a short name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Builds the client.
         * @return the client
         */
        public DirectClient build() {
            return new DirectClient(this);
        }
    }
}
