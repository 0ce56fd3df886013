package dev.pirate.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.security.ClientSecurity;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.Endpoints;
import dev.pirate.support.Checks;
import dev.pirate.support.Sockets;

/**
 * MDP/0.1 workers for one service: {@code concurrency} connections to a broker, each with its own
 * thread and DEALER socket, so up to {@code concurrency} requests are handled at once; or, with a
 * {@link Builder#prefetch(int) prefetch} above 1, one connection that takes that many requests at once
 * from a PX/1 broker (worker credit) and runs them on {@code concurrency} handler threads.
 * <p>
 * With several {@link Builder#endpoints(List) endpoints} (several brokers, for no single point of
 * failure), the worker registers with every one of them: each endpoint gets its own set of
 * connections, as many as one broker would get, so {@code concurrency} (and the credit) is per broker,
 * and the process may handle up to endpoints × concurrency requests at once. Every connection has its
 * own heartbeat, liveness and reconnect back-off: a broker that dies or restarts affects only its own
 * connections, and one that is down at start-up is registered with when it appears.
 * <p>
 * Each connection first asks the broker whether it speaks PX/1 ({@code docs/rfc/px-1.md}), unless
 * {@link Builder#pirateExtension(boolean) turned off}: a PX/1 broker gives every request the
 * caller's id and deadline, which a {@link ContextualRequestHandler} sees in its {@link RequestContext},
 * and a request whose caller has stopped waiting is skipped without calling the handler. A broker
 * that answers anything else, or nothing within one heartbeat interval (2 s at least), gets plain MDP/0.1.
 * <p>
 * Each connection sends READY, heartbeats while idle (and, through a helper thread, while its
 * handler runs), counts down liveness while the broker is silent, and on silence or DISCONNECT
 * closes its socket and reconnects after a back-off that doubles up to a cap, with jitter.
 * <p>
 * A connection loop that dies of something it cannot survive (an {@link Error} other than the
 * handler failures it answers with an error reply), or a ZeroMQ I/O thread that dies, stops every
 * connection loudly: it is logged at ERROR, told to {@link PirateListener#loopFailed(String, Throwable)}
 * and kept for {@link #failure()}, so a process can exit instead of serving with fewer connections.
 * <pre>{@code
 * MajordomoWorker worker = MajordomoWorker.builder("tcp://127.0.0.1:5555", "echo", (body) -> body).build();
 * worker.start();
 * ...
 * worker.stop(Duration.ofSeconds(30));
 * }</pre>
 */
public final class MajordomoWorker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MajordomoWorker.class);

    private final Settings settings;

    /** The worker's own context, or its shadow of a context shared with other components. */
    private final ZContext context;

    private final CountDownLatch stopSignal = new CountDownLatch(1);

    /** Written once by {@link #start()}; read by monitoring threads without a lock. */
    private volatile List<WorkerConnection> connections = List.of();

    private final List<Thread> threads = new ArrayList<>();

    private HeartbeatKeeper keeper;

    private boolean stopped;

    private volatile Throwable failure;

    /** Whether the context is shared: its owner watches its I/O threads. */
    private final boolean sharedContext;

    private MajordomoWorker(Settings settings, ZContext sharedContext) {
        this.settings = settings;
        this.context = (sharedContext != null) ? ZContext.shadow(sharedContext) : new ZContext(1);
        this.sharedContext = sharedContext != null;
    }

    /**
     * Starts building workers for a service.
     * @param endpoint the broker endpoint to connect to, e.g. {@code tcp://localhost:5555}
     * @param service the service name
     * @param handler the request handler
     * @return a builder with the RFC's defaults
     */
    public static Builder builder(String endpoint, String service, RequestHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Builder(endpoint, service, (body, context) -> handler.handle(body));
    }

    /**
     * Starts building workers for a service whose handler also receives each request's
     * {@link RequestContext}.
     * @param endpoint the broker endpoint to connect to, e.g. {@code tcp://localhost:5555}
     * @param service the service name
     * @param handler the request handler
     * @return a builder with the RFC's defaults
     */
    public static Builder builder(String endpoint, String service, ContextualRequestHandler handler) {
        return new Builder(endpoint, service, handler);
    }

    /**
     * Returns the service these workers serve.
     * @return the service name
     */
    public String service() {
        return this.settings.service();
    }

    /**
     * Tells whether the connections use CURVE.
     * @return {@code true} when built with a {@link ClientSecurity}
     */
    public boolean isCurve() {
        return this.settings.security() != null;
    }

    /**
     * Returns the first broker endpoint.
     * @return the endpoint the connections connect to; with several, the first of {@link #endpoints()}
     */
    public String endpoint() {
        return this.settings.endpoints().get(0);
    }

    /**
     * Returns every broker endpoint the worker registers with.
     * @return the endpoints, in the configured order, without duplicates
     */
    public List<String> endpoints() {
        return this.settings.endpoints();
    }

    /**
     * Starts every connection; each registers with the broker on its own thread.
     */
    public synchronized void start() {
        if (!this.threads.isEmpty() || this.stopped) {
            throw new IllegalStateException("Worker for '" + service() + "' already started");
        }
        String prefix = this.settings.threadNamePrefix();
        if (!this.sharedContext) {
            Sockets.watchIoThreads(this.context, (cause) -> failed(prefix + "-io", cause));
        }
        List<WorkerConnection> created = new ArrayList<>();
        int number = 0;
        for (String endpoint : this.settings.endpoints()) {
            for (int i = 1; i <= this.settings.connections(); i++) {
                String threadName = prefix + "-" + (++number);
                WorkerConnection connection = new WorkerConnection(this.settings, endpoint, this.context,
                        this.stopSignal, (cause) -> failed(threadName, cause));
                Thread thread = this.settings.threadFactory().newThread(connection);
                thread.setName(threadName);
                thread.setDaemon(true);
                created.add(connection);
                this.threads.add(thread);
            }
        }
        this.connections = List.copyOf(created);
        this.keeper = new HeartbeatKeeper(this.settings.threadNamePrefix() + "-heartbeat", this.connections,
                this.settings.heartbeatInterval().toMillis());
        this.threads.forEach(Thread::start);
    }

    /**
     * Stops every connection because one of them, or a ZeroMQ I/O thread, died; keeps the first cause.
     * Connections that die of one cause together are each logged: there are at most a few of them.
     */
    private void failed(String component, Throwable cause) {
        synchronized (this) {
            if (this.failure == null) {
                this.failure = cause;
            }
        }
        logger.error("{} stopped: {}; stopping the worker for '{}'", component, cause.toString(), service(), cause);
        this.settings.listener().loopFailed(component, cause);
        this.stopSignal.countDown();
    }

    /**
     * Returns what stopped the worker, if something did other than {@link #stop(Duration)}.
     * @return the error that killed a connection loop or a ZeroMQ I/O thread, or {@code null}
     */
    public Throwable failure() {
        return this.failure;
    }

    /**
     * Returns how many connections are currently open to a broker (READY sent, not yet lost), over
     * every endpoint.
     * @return connected connections
     */
    public int connectedCount() {
        return connectedCount(null);
    }

    /**
     * Returns how many connections to one broker are currently open (READY sent, not yet lost).
     * @param endpoint one of {@link #endpoints()}
     * @return connected connections to that broker; 0 for an endpoint the worker does not use
     */
    public int connectedCount(String endpoint) {
        int count = 0;
        for (WorkerConnection connection : this.connections) {
            if (connection.isConnected() && (endpoint == null || connection.endpoint().equals(endpoint))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Returns how many connections are registered with a broker: the broker has answered their
     * READY with a heartbeat or a request (it never acknowledges READY itself), and they have not
     * lost it since. Counts every endpoint.
     * @return registered connections
     */
    public int registeredCount() {
        return registeredCount(null);
    }

    /**
     * Returns how many connections are registered with one broker.
     * @param endpoint one of {@link #endpoints()}
     * @return registered connections to that broker; 0 for an endpoint the worker does not use
     * @see #registeredCount()
     */
    public int registeredCount(String endpoint) {
        int count = 0;
        for (WorkerConnection connection : this.connections) {
            if (connection.isRegistered() && (endpoint == null || connection.endpoint().equals(endpoint))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Returns how many connections the worker opens to each broker endpoint.
     * @return {@link #connections()}, the same for every endpoint
     */
    public int connectionsPerEndpoint() {
        return this.settings.connections();
    }

    /**
     * Returns how long no connection has been registered with the broker. A registration ends when the
     * broker was last heard from, so a broker that died counts from its last heartbeat, not from the
     * moment the connection gave up on it.
     * @return zero while a connection is registered or before {@link #start()}; otherwise the time since
     * the last registration ended, or since start if there was none
     */
    public Duration unregisteredFor() {
        List<WorkerConnection> all = this.connections;
        if (all.isEmpty()) {
            return Duration.ZERO;
        }
        long now = System.nanoTime();
        long longest = Long.MAX_VALUE;
        for (WorkerConnection connection : all) {
            if (connection.isRegistered()) {
                return Duration.ZERO;
            }
            longest = Math.min(longest, now - connection.unregisteredSinceNanos());
        }
        return Duration.ofNanos(Math.max(0, longest));
    }

    /**
     * Returns when any connection last heard from its broker.
     * @return epoch milliseconds, or 0 if never
     */
    public long lastHeardMillis() {
        long latest = 0;
        for (WorkerConnection connection : this.connections) {
            latest = Math.max(latest, connection.lastHeardMillis());
        }
        return latest;
    }

    /**
     * Returns how many times the connections opened a new conversation with the broker after losing one.
     * @return reconnects since {@link #start()}
     */
    public long reconnects() {
        long total = 0;
        for (WorkerConnection connection : this.connections) {
            total += connection.reconnects();
        }
        return total;
    }

    /**
     * Returns how many requests are handled at once: the number of connections, each handling one
     * request at a time, or with a {@link Builder#prefetch(int) prefetch} above 1, the number of
     * handler threads of the one connection.
     * @return the configured concurrency
     */
    public int concurrency() {
        return this.settings.concurrency();
    }

    /**
     * Returns how many connections the worker opens to each of its brokers.
     * @return {@link #concurrency()} with a prefetch of 1; 1 with credit
     */
    public int connections() {
        return this.settings.connections();
    }

    /**
     * Returns the credit the worker offers its broker.
     * @return the configured prefetch; 1 for MDP/0.1's one request at a time per connection
     */
    public int prefetch() {
        return this.settings.prefetch();
    }

    /**
     * Returns the heartbeat interval.
     * @return the interval between heartbeats
     */
    public Duration heartbeatInterval() {
        return this.settings.heartbeatInterval();
    }

    /**
     * Returns how many heartbeat intervals of broker silence make a connection reconnect.
     * @return the liveness
     */
    public int liveness() {
        return this.settings.liveness();
    }

    /**
     * Stops gracefully: every connection finishes the request in hand and sends its reply, then sends
     * DISCONNECT and closes. Idle connections disconnect at once. Waits up to the grace period;
     * a handler still running after it is abandoned (never interrupted) and logged.
     * @param gracePeriod the longest time to wait
     * @return {@code true} if every connection ended within the grace period
     */
    public boolean stop(Duration gracePeriod) {
        List<Thread> toJoin;
        synchronized (this) {
            if (this.stopped) {
                return true;
            }
            this.stopped = true;
            toJoin = List.copyOf(this.threads);
        }
        this.stopSignal.countDown();
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        boolean clean = true;
        for (Thread thread : toJoin) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!join(thread, Math.max(1, left))) {
                clean = false;
                logger.warn("Worker thread {} still busy after the grace period of {}; abandoning it",
                        thread.getName(), gracePeriod);
            }
        }
        if (this.keeper != null) {
            this.keeper.close();
        }
        if (clean) {
            this.context.close();
        }
        return clean;
    }

    /**
     * Stops with the builder's grace period (default 30 s).
     */
    @Override
    public void close() {
        stop(this.settings.shutdownGracePeriod());
    }

    private static boolean join(Thread thread, long millis) {
        try {
            thread.join(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * Settings shared by the connections of one worker.
     *
     * @param endpoints broker endpoints, at least one, without duplicates; each gets its own connections
     * @param service service name
     * @param handler request handler
     * @param concurrency number of connections per endpoint
     * @param heartbeatInterval heartbeat interval
     * @param liveness heartbeats missed before the broker counts as gone
     * @param reconnectDelay first reconnect delay
     * @param maxReconnectDelay reconnect delay cap
     * @param shutdownGracePeriod time given to requests in hand on stop
     * @param listener event listener
     * @param threadNamePrefix prefix of the connection thread names
     * @param threadFactory creates the connection threads
     * @param protocol the wire protocol
     * @param pirateExtension whether connections negotiate PX/1 before READY
     * @param prefetch the credit offered: above 1, one connection hands requests to {@code concurrency}
     *        handler threads
     * @param security CURVE settings of each connection, or {@code null} for plain text
     * @param exposeExceptionDetails whether error replies name the exception's class
     */
    record Settings(List<String> endpoints, String service, ContextualRequestHandler handler, int concurrency,
            Duration heartbeatInterval, int liveness, Duration reconnectDelay, Duration maxReconnectDelay,
            Duration shutdownGracePeriod, PirateListener listener, String threadNamePrefix,
            ThreadFactory threadFactory, WorkerProtocol protocol, boolean pirateExtension, int prefetch,
            ClientSecurity security, boolean exposeExceptionDetails) {

        /** How many connections the worker opens per endpoint: one with credit, else one per request in hand. */
        int connections() {
            return (this.prefetch > 1) ? 1 : this.concurrency;
        }
    }

    /**
     * Builds {@link MajordomoWorker}s. Defaults: concurrency 1, heartbeat 2500 ms, liveness 3,
     * reconnect 2500 ms doubling to 32 s, grace period 30 s, PX/1 negotiation on, platform threads.
     */
    public static final class Builder {

        private List<String> endpoints;

        private final String service;

        private final ContextualRequestHandler handler;

        private int concurrency = 1;

        private Duration heartbeatInterval = Duration.ofMillis(2500);

        private int liveness = 3;

        private Duration reconnectDelay = Duration.ofMillis(2500);

        private Duration maxReconnectDelay = Duration.ofSeconds(32);

        private Duration shutdownGracePeriod = Duration.ofSeconds(30);

        private PirateListener listener = PirateListener.NONE;

        private String threadNamePrefix;

        private ThreadFactory threadFactory = Thread::new;

        private WorkerProtocol protocol = MdpWorkerProtocol.PLAIN;

        private boolean pirateExtension = true;

        private int prefetch = 1;

        private ZContext sharedContext;

        private ClientSecurity security;

        private boolean exposeExceptionDetails;

        private Builder(String endpoint, String service, ContextualRequestHandler handler) {
            this.endpoints = List.of(Objects.requireNonNull(endpoint, "endpoint"));
            if (!Mdp.isValidServiceName(service) || service.startsWith(Mdp.MMI_PREFIX)) {
                throw new IllegalArgumentException("Invalid service name '" + service
                        + "': use 1 to 255 printable ASCII characters without spaces, not starting with 'mmi.'");
            }
            this.service = service;
            this.handler = Objects.requireNonNull(handler, "handler");
            this.threadNamePrefix = "pirate-worker-" + service;
        }

        /**
         * Sets several broker endpoints instead of the one given to {@code builder(...)}: the worker
         * registers with every one of them. Each endpoint gets as many connections as one broker
         * would get ({@link #concurrency(int) concurrency} with a prefetch of 1, else one connection
         * with the credit), each with its own heartbeat, liveness and reconnect back-off, so a broker
         * that dies or restarts affects only its own connections. A broker that is down at start-up
         * is registered with when it appears. Handlers may therefore run up to endpoints ×
         * concurrency requests at once.
         * @param endpoints one or more ZeroMQ endpoints, without duplicates
         * @return this builder
         */
        public Builder endpoints(List<String> endpoints) {
            this.endpoints = Endpoints.checkAll(endpoints, "endpoints");
            return this;
        }

        /**
         * Sets the number of connections per broker endpoint, each handling one request at a time.
         * @param concurrency at least 1
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = Checks.atLeast(concurrency, 1, "concurrency");
            return this;
        }

        /**
         * Sets the heartbeat interval; use the broker's.
         * @param interval a positive duration
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * Sets how many heartbeat intervals of broker silence make the worker reconnect.
         * @param liveness at least 1
         * @return this builder
         */
        public Builder liveness(int liveness) {
            this.liveness = Checks.atLeast(liveness, 1, "liveness");
            return this;
        }

        /**
         * Sets the first reconnect delay and its cap; the delay doubles between them.
         * @param initial the first delay
         * @param max the cap, not below the first delay
         * @return this builder
         */
        public Builder reconnectDelay(Duration initial, Duration max) {
            this.reconnectDelay = Checks.positive(initial, "reconnectDelay");
            this.maxReconnectDelay = Checks.positive(max, "maxReconnectDelay");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("maxReconnectDelay " + max + " is below reconnectDelay " + initial);
            }
            return this;
        }

        /**
         * Sets how long {@link MajordomoWorker#close()} waits for requests in hand.
         * @param gracePeriod zero or more
         * @return this builder
         */
        public Builder shutdownGracePeriod(Duration gracePeriod) {
            if (gracePeriod.isNegative()) {
                throw new IllegalArgumentException("shutdownGracePeriod must not be negative, was " + gracePeriod);
            }
            this.shutdownGracePeriod = gracePeriod;
            return this;
        }

        /**
         * Sets the listener that receives the worker's events; its exceptions are logged, never
         * thrown into a connection.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.listener = CompositeListener.guard(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the prefix of the thread names (default {@code pirate-worker-SERVICE}).
         * @param prefix the prefix
         * @return this builder
         */
        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Sets the factory of the connection threads, for example one of virtual threads. Each thread
         * still owns one connection's socket alone; the worker names it and marks it daemon.
         * @param factory creates unstarted threads
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets whether each connection asks its broker, before READY, whether it speaks PX/1 (default
         * {@code true}). A broker without PX/1 answers {@code 501} or not at all, and then gets plain
         * MDP/0.1 after one heartbeat interval, 2 s at least. Turn it off where registration must be the
         * byte-exact MDP/0.1 READY and nothing else, e.g. a broker that drops unknown clients' messages.
         * @param enabled {@code false} to send plain READY at once
         * @return this builder
         */
        public Builder pirateExtension(boolean enabled) {
            this.pirateExtension = enabled;
            return this;
        }

        /**
         * Connects with CURVE: the broker is authenticated by its public key, and the worker by its
         * own key pair, which the broker must allow (default: none, plain text).
         * @param security the client settings, or {@code null} for none
         * @return this builder
         */
        public Builder security(ClientSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Sets the worker's credit: how many requests it takes from the broker at once (default 1).
         * <p>
         * With 1, the worker opens {@link #concurrency(int) concurrency} connections, each handling one
         * request at a time on its own thread: MDP/0.1 as every broker speaks it. Above 1, the worker
         * opens one connection and offers the broker that credit ({@code docs/rfc/px-1.md}, section
         * 5.1), and a PX/1 broker keeps up to {@code prefetch} requests in flight on it, so no request
         * waits for a broker round trip. With a concurrency of 1 the connection's thread runs them in
         * turn itself: the fastest shape for short handlers. Above 1 it hands them to
         * {@code concurrency} handler threads and sends their replies: the shape for handlers that
         * wait (on a database, another service). Requests beyond the handlers wait in the worker, so
         * a slow one holds back those queued behind it; a prefetch equal to the concurrency avoids
         * that. On {@link MajordomoWorker#stop(Duration) stop} the running requests are answered and
         * the rest go back to the broker with DISCONNECT once they are (MDP/0.1 has no way to hand back
         * one request), so a worker's queued requests run elsewhere, each once. A broker without credit
         * support gives such a connection one request at a time, and a warning says so.
         * @param prefetch 1 to 65535
         * @return this builder
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = Checks.atLeast(prefetch, 1, "prefetch");
            if (prefetch > PirateExtension.MAX_CREDIT) {
                throw new IllegalArgumentException("prefetch must be at most " + PirateExtension.MAX_CREDIT + ": "
                        + prefetch);
            }
            return this;
        }

        /**
         * Sets whether the error reply to a handler that threw names the exception's class, as in
         * {@code java.lang.IllegalStateException: out of stock} (default {@code false}: the message
         * alone, so remote callers do not learn the implementation; the worker logs the whole
         * exception either way).
         * @param expose {@code true} to include the class name
         * @return this builder
         */
        public Builder exposeExceptionDetails(boolean expose) {
            this.exposeExceptionDetails = expose;
            return this;
        }

        /**
         * Creates the worker's sockets in a context shared with other components of this process (the
         * worker closes only its own sockets, never the context), so it can reach a broker in the same
         * context over {@code inproc://}, without TCP or a ZeroMQ I/O thread. The context's owner
         * watches its I/O threads.
         * @param shared a context that outlives the worker
         * @return this builder
         */
        public Builder context(ZContext shared) {
            this.sharedContext = Objects.requireNonNull(shared, "shared");
            return this;
        }

        Builder protocol(WorkerProtocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /**
         * Builds the worker; call {@link MajordomoWorker#start()} to connect.
         * @return the worker
         * @throws IllegalArgumentException if an endpoint is not a ZeroMQ endpoint
         */
        public MajordomoWorker build() {
            for (String endpoint : this.endpoints) {
                Endpoints.check(endpoint, "endpoint");
            }
            if (this.prefetch > 1 && !this.pirateExtension) {
                throw new IllegalStateException("prefetch " + this.prefetch + " needs the PX/1 extension, which is "
                        + "turned off (pirateExtension(false)): credit is offered through it");
            }
            return new MajordomoWorker(new Settings(this.endpoints, this.service, this.handler, this.concurrency,
                    this.heartbeatInterval, this.liveness, this.reconnectDelay, this.maxReconnectDelay,
                    this.shutdownGracePeriod, this.listener, this.threadNamePrefix, this.threadFactory, this.protocol,
                    this.pirateExtension, this.prefetch, this.security, this.exposeExceptionDetails),
                    this.sharedContext);
        }
    }
}
