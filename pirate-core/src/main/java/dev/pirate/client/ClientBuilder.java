package dev.pirate.client;

import java.time.Duration;
import java.util.Objects;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.support.Checks;
import dev.pirate.support.Endpoints;

/**
 * Settings shared by {@link MajordomoClient} and {@link DirectClient}.
 *
 * @param <B> the concrete builder
 */
public abstract class ClientBuilder<B extends ClientBuilder<B>> {

    final String endpoint;

    CallOptions defaults = CallOptions.DEFAULTS;

    PirateListener listener = PirateListener.NONE;

    long maxMessageSize = 16L * 1024 * 1024;

    String threadName = "pirate-client-io";

    int maxInFlight = 1000;

    ClientBuilder(String endpoint) {
        this.endpoint = Endpoints.check(endpoint, "endpoint");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets how long each attempt waits for a reply (default 2500 ms).
     * @param timeout a positive duration
     * @return this builder
     */
    public B timeout(Duration timeout) {
        this.defaults = new CallOptions(timeout, this.defaults.retries());
        return self();
    }

    /**
     * Sets how many times a request is sent again after a timeout (default 3).
     * @param retries zero or more
     * @return this builder
     */
    public B retries(int retries) {
        this.defaults = new CallOptions(this.defaults.timeout(), retries);
        return self();
    }

    /**
     * Sets the listener that receives the client's events. Its exceptions are logged and otherwise
     * ignored: a failing listener never fails a request nor stops the I/O thread.
     * @param listener the listener
     * @return this builder
     */
    public B listener(PirateListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Sets the largest reply accepted (default 16 MiB); larger replies are dropped.
     * @param bytes the limit in bytes
     * @return this builder
     */
    public B maxMessageSize(long bytes) {
        this.maxMessageSize = bytes;
        return self();
    }

    /**
     * Sets the name of the asynchronous I/O thread (default {@code pirate-client-io}).
     * @param name the thread name
     * @return this builder
     */
    public B threadName(String name) {
        this.threadName = Objects.requireNonNull(name, "name");
        return self();
    }

    /**
     * Sets the most requests the client has in flight at once, synchronous and asynchronous together
     * (default 1000). Past it a request is not sent: {@code requestAsync} returns a future that has
     * already failed, and a synchronous {@code request} throws, with a
     * {@link PirateInFlightLimitException}. Each request in flight holds one socket, so the limit also
     * sizes the client's ZeroMQ socket cap; every socket uses a few file descriptors, so keep the
     * limit well below the process's descriptor limit.
     * @param requests one or more
     * @return this builder
     * @throws IllegalArgumentException if {@code requests} is not positive
     */
    public B maxInFlight(int requests) {
        this.maxInFlight = Checks.atLeast(requests, 1, "maxInFlight");
        return self();
    }

    ClientEngine engine(Wire wire) {
        // Guarded: the listener runs on the I/O thread, where an exception would end the loop.
        return new ClientEngine(this.endpoint, wire, CompositeListener.guard(this.listener), this.defaults,
                this.maxMessageSize, this.threadName, this.maxInFlight);
    }
}
