package dev.pirate.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.zeromq.ZContext;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.security.ClientSecurity;
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

    Executor callbackExecutor;

    long maxMessageSize = 16L * 1024 * 1024;

    String threadName = "pirate-client-io";

    int maxInFlight = 1000;

    ClientSecurity security;

    ZContext sharedContext;

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
        this.defaults = this.defaults.withTimeout(timeout);
        return self();
    }

    /**
     * Sets how many times a request is sent again after a timeout (default 3).
     * @param retries zero or more
     * @return this builder
     */
    public B retries(int retries) {
        this.defaults = this.defaults.withRetries(retries);
        return self();
    }

    /**
     * Sets the longest a whole request may take, every attempt and pause included (default none:
     * a request may take every attempt's timeout and every pause). No attempt starts after it, the
     * attempt in progress stops waiting at it, and the request fails with a
     * {@link PirateTimeoutException}.
     * @param deadline a positive duration from the first send, or {@code null} for none
     * @return this builder
     */
    public B deadline(Duration deadline) {
        this.defaults = this.defaults.withDeadline(deadline);
        return self();
    }

    /**
     * Sets the pause between an attempt that timed out and the next one (default
     * {@link Backoff#DEFAULT}: 100 ms, doubling, at most 1 s, equal jitter).
     * @param backoff the back-off
     * @return this builder
     */
    public B backoff(Backoff backoff) {
        this.defaults = this.defaults.withBackoff(Objects.requireNonNull(backoff, "backoff"));
        return self();
    }

    /**
     * Sets every per-request default at once: timeout, retries, deadline and back-off.
     * @param defaults the options used by requests that name none
     * @return this builder
     */
    public B defaults(CallOptions defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        return self();
    }

    /**
     * Sets where the futures of asynchronous requests complete, and so where continuations such as
     * {@code thenApply} run unless they name their own executor. They never run on the client's
     * I/O thread, so a slow continuation delays no other request; an executor that runs tasks on
     * the calling thread would undo that. When the executor refuses a task (it is shutting down),
     * the future completes on the I/O thread rather than never.
     * <p>
     * Default: a pool shared by all clients, of at least two daemon threads named
     * {@code pirate-client-callback-N}, rather than {@code ForkJoinPool.commonPool()}, which on a
     * two-core machine has a single thread, shared with parallel streams. Continuations that block
     * should use an executor of their own, e.g. {@code thenApplyAsync(fn, executor)}.
     * @param executor the executor
     * @return this builder
     */
    public B callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "executor");
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

    /**
     * Connects with CURVE: the server (broker) is authenticated by its public key, and the client by
     * its own key pair, which the server must allow (default: none, plain text).
     * @param security the client settings, or {@code null} for none
     * @return this builder
     */
    public B security(ClientSecurity security) {
        this.security = security;
        return self();
    }

    /**
     * Creates the client's sockets in a context shared with other components of this process (the
     * client closes only its own sockets, never the context), so it can reach a broker in the same
     * context over {@code inproc://}, without TCP or a ZeroMQ I/O thread. The context's owner sizes
     * its socket cap (each request in flight holds a socket) and watches its I/O threads.
     * @param shared a context that outlives the client
     * @return this builder
     */
    public B context(ZContext shared) {
        this.sharedContext = Objects.requireNonNull(shared, "shared");
        return self();
    }

    ClientEngine engine(Wire wire) {
        // Guarded: the listener runs on the I/O thread, where an exception would end the loop.
        return engine(wire, this.endpoint, this.threadName, CompositeListener.guard(this.listener),
                this.sharedContext);
    }

    /**
     * An engine for one of several brokers; the listener is already guarded.
     * @param context the context the engines of the client share: the caller's, or one the client owns
     */
    ClientEngine engine(Wire wire, String endpoint, String threadName, PirateListener guardedListener,
            ZContext context) {
        return new ClientEngine(endpoint, wire, guardedListener, this.defaults, callbackExecutor(),
                this.maxMessageSize, threadName, this.maxInFlight, context, this.security);
    }

    Executor callbackExecutor() {
        return (this.callbackExecutor != null) ? this.callbackExecutor : CallbackExecutor.shared();
    }
}
