package dev.pirate.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.security.ServerSecurity;
import dev.pirate.support.Checks;
import dev.pirate.support.Endpoints;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.LoopThread;
import dev.pirate.support.Sockets;

/**
 * A Majordomo broker (MDP/0.1 with MMI) on one ROUTER socket, run by one named thread.
 * <pre>{@code
 * try (MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://*:5555").build()) {
 *     broker.start();
 *     ...
 * }
 * }</pre>
 * Binding to {@code tcp://127.0.0.1:*} picks a free port; {@link #endpoints()} tells which.
 * <p>
 * Everything a peer can make the broker hold has a limit (see the builder), sized by default from
 * the JVM's maximum heap so that a default broker cannot exhaust it. A broker that cannot go on
 * (its loop or a ZeroMQ I/O thread died, for example of an {@link OutOfMemoryError}) stops: it
 * logs the cause at ERROR, tells the listener ({@link PirateListener#loopFailed}), reports
 * {@link #isRunning()} {@code false} and keeps the cause for {@link #failure()}.
 */
public final class MajordomoBroker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MajordomoBroker.class);

    /** Longest wait for a message before the loop looks at its timers and its stop flag. */
    private static final long MAX_WAIT_MILLIS = 100;

    private static final long SNAPSHOT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Wait for a message while some client's replies wait for room in its pipe. */
    private static final int BACKLOG_WAIT_MILLIS = 1;

    private final Builder settings;

    private final ZContext context;

    private final LoopThread loop = new LoopThread();

    private volatile BrokerSnapshot snapshot = BrokerSnapshot.NOT_RUNNING;

    private volatile List<String> endpoints = List.of();

    /** Set by the broker thread before it binds, when CURVE is on. */
    private volatile ServerSecurity.Authentication authentication;

    private MajordomoBroker(Builder settings) {
        this.settings = settings;
        // A shared context's I/O threads serve this broker's TCP peers (its inproc peers need none), so
        // the broker watches them either way.
        this.context = (settings.sharedContext != null) ? ZContext.shadow(settings.sharedContext)
                : new ZContext(settings.ioThreads);
        Sockets.watchIoThreads(this.context, this.loop::fail);
    }

    /**
     * Starts building a broker.
     * @return a builder with the RFC's defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the socket and starts the broker thread; returns once the broker is serving.
     * @throws BrokerBindException if an endpoint cannot be bound, naming it and the true reason
     * @throws IllegalStateException if the broker was started before, or cannot open its socket
     */
    public void start() {
        this.loop.start(this.settings.threadName, this::run,
                (cause) -> this.settings.listener.loopFailed(this.settings.threadName, cause));
    }

    private void run() {
        try {
            ZMQ.Socket socket;
            try {
                socket = openSocket();
            }
            catch (BrokerBindException ex) {
                throw ex;
            }
            catch (RuntimeException ex) {
                throw new IllegalStateException("Cannot bind broker to " + this.settings.endpoints + ": "
                        + ex.getMessage(), ex);
            }
            loop(socket);
        }
        finally {
            this.snapshot = BrokerSnapshot.NOT_RUNNING;
            ServerSecurity.Authentication running = this.authentication;
            if (running != null) {
                running.close();
            }
            Sockets.close(this.context);
        }
    }

    private ZMQ.Socket openSocket() {
        ServerSecurity security = this.settings.security;
        if (security != null) {
            // Before the bind: ZeroMQ lets every key in while no authentication handler runs.
            this.authentication = security.startAuthentication(this.context, this.settings.threadName + "-zap",
                    this.loop::fail);
        }
        else {
            warnIfExposed(this.settings.endpoints);
        }
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.ROUTER);
        if (security != null) {
            security.applyTo(socket);
        }
        socket.setRouterMandatory(true);
        Sockets.limitInbound(socket, this.settings.maxMessageSize, this.settings.maxInboundBytes);
        socket.setReceiveTimeOut((int) Math.min(MAX_WAIT_MILLIS, this.settings.heartbeatInterval.toMillis()));
        List<String> bound = new ArrayList<>();
        for (String endpoint : this.settings.endpoints) {
            try {
                socket.bind(endpoint);
            }
            catch (RuntimeException ex) {
                throw BrokerBindException.of(endpoint, ex);
            }
            bound.add(socket.getLastEndpoint());
        }
        this.endpoints = List.copyOf(bound);
        return socket;
    }

    private static void warnIfExposed(List<String> endpoints) {
        List<String> exposed = endpoints.stream().filter(Endpoints::isReachableFromOtherHosts).toList();
        if (!exposed.isEmpty()) {
            logger.warn("Majordomo broker binds {} without CURVE: anyone who can reach it may register as a worker "
                    + "of any service and read its requests; configure CURVE keys, or bind 127.0.0.1", exposed);
        }
    }

    private void loop(ZMQ.Socket socket) {
        long heartbeatNanos = this.settings.heartbeatInterval.toNanos();
        ServiceAuthorizer authorizer = (this.settings.security != null)
                ? new ServiceAuthorizer(this.settings.security.rules()) : ServiceAuthorizer.ALLOW_ALL;
        BrokerEngine engine = new BrokerEngine(socket, this.settings.listener, heartbeatNanos, this.settings.liveness,
                this.settings.limits(), authorizer);
        FrameBuffer frames = new FrameBuffer(this.settings.maxMessageSize, this.settings.maxFrames);
        long now = System.nanoTime();
        long nextHeartbeat = now + heartbeatNanos;
        // Services that lost their workers are looked at four times per grace period.
        long graceTickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), this.settings.unknownServiceGrace.toNanos() / 4);
        long nextGraceTick = now + graceTickNanos;
        long nextSnapshot = now;
        logger.info("Majordomo broker serving on {}", this.endpoints);
        this.snapshot = engine.snapshot(this.endpoints);
        this.loop.serving();
        int waitMillis = socket.getReceiveTimeOut();
        boolean waitingShort = false;
        while (this.loop.isRunning()) {
            boolean received = frames.receive(socket);
            now = System.nanoTime();
            if (received) {
                engine.onMessage(frames, now);
            }
            if (engine.hasBacklog()) {
                engine.flushBacklogs();
            }
            if (engine.hasBacklog() != waitingShort) {
                waitingShort = !waitingShort;
                socket.setReceiveTimeOut(waitingShort ? BACKLOG_WAIT_MILLIS : waitMillis);
            }
            if (now - nextGraceTick >= 0) {
                engine.onGraceTick(now);
                nextGraceTick = now + graceTickNanos;
            }
            if (now - nextHeartbeat >= 0) {
                engine.onHeartbeatTick(now);
                nextHeartbeat = now + heartbeatNanos;
            }
            if (now - nextSnapshot >= 0) {
                this.snapshot = engine.snapshot(this.endpoints);
                nextSnapshot = now + SNAPSHOT_INTERVAL_NANOS;
            }
        }
        engine.disconnectAll();
        logger.info("Majordomo broker on {} stopped", this.endpoints);
    }

    /**
     * Returns the endpoints the broker is bound to, with wildcard ports resolved.
     * @return the bound endpoints; empty before {@link #start()}
     */
    public List<String> endpoints() {
        return this.endpoints;
    }

    /**
     * Returns the first bound endpoint in a form clients and workers can connect to.
     * @return for example {@code tcp://127.0.0.1:40123}
     */
    public String connectEndpoint() {
        List<String> bound = this.endpoints;
        if (bound.isEmpty()) {
            throw new IllegalStateException("Broker not started");
        }
        return bound.get(0).replace("0.0.0.0", "127.0.0.1");
    }

    /**
     * Tells whether the broker is a CURVE server.
     * @return {@code true} when built with a {@link ServerSecurity}
     */
    public boolean isCurve() {
        return this.settings.security != null;
    }

    /**
     * Returns the latest published picture of the broker, at most about 100 ms old.
     * @return the snapshot
     */
    public BrokerSnapshot snapshot() {
        return this.snapshot;
    }

    /**
     * Tells whether the broker loop is running.
     * @return {@code true} between a successful start and the end of the loop
     */
    public boolean isRunning() {
        return this.loop.isRunning();
    }

    /**
     * Returns what stopped the broker, if it failed.
     * @return the cause, or {@code null} while it runs or after a normal stop
     */
    public Throwable failure() {
        return this.loop.failure();
    }

    /**
     * Stops the loop: sends DISCONNECT to every worker, closes the socket and the context. Returns
     * when the thread has ended, which takes about 100 ms, and never waits longer than 5 s.
     */
    @Override
    public void close() {
        if (!this.loop.stop()) {
            Sockets.close(this.context);
        }
    }

    /**
     * Settings of a {@link MajordomoBroker}. Defaults follow the RFC and the ZeroMQ Guide.
     */
    public static final class Builder {

        private final List<String> endpoints = new ArrayList<>();

        private Duration heartbeatInterval = Duration.ofMillis(2500);

        private int liveness = 3;

        private int maxMessageSize = 1024 * 1024;

        private int maxFrames = 1024;

        private Duration requestExpiry = Duration.ofSeconds(30);

        private int maxQueuedRequests = 10_000;

        private long maxQueuedBytes = defaultMaxQueuedBytes();

        private int maxClientRequests = 10_000;

        private int maxServices = 10_000;

        private int maxRedeliveries = 2;

        private long maxInboundBytes = defaultMaxInboundBytes();

        private Duration unknownServiceGrace = Duration.ofSeconds(1);

        private Duration replyRetention = Duration.ofSeconds(5);

        private Duration workerReturnTime = Duration.ofSeconds(40);

        private int maxWorkerCredit = 1000;

        private ZContext sharedContext;

        private PirateListener listener = PirateListener.NONE;

        private String threadName = "pirate-broker";

        private int ioThreads = 1;

        private ServerSecurity security;

        private Builder() {
        }

        /**
         * Adds an endpoint to bind, e.g. {@code tcp://*:5555} or {@code tcp://127.0.0.1:*}.
         * @param endpoint a ZeroMQ endpoint
         * @return this builder
         */
        public Builder bind(String endpoint) {
            this.endpoints.add(Endpoints.check(endpoint, "bind"));
            return this;
        }

        /**
         * Sets how often the broker heartbeats its workers (default 2500 ms).
         * @param interval a positive duration
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * Sets how many heartbeat intervals a worker may stay silent before it is forgotten (default 3).
         * @param liveness at least 1
         * @return this builder
         */
        public Builder liveness(int liveness) {
            this.liveness = Checks.atLeast(liveness, 1, "liveness");
            return this;
        }

        /**
         * Sets the largest message accepted, all frames together (default 1 MiB). Larger messages are
         * dropped and counted; a single larger frame makes ZeroMQ drop the connection.
         * @param bytes at least 64
         * @return this builder
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = (int) Checks.bytesAtLeast(bytes, 64, "maxMessageSize");
            return this;
        }

        /**
         * Sets the most frames one message may have (default 1024). A message with more is dropped
         * and counted, and a Pirate client is told it is too large.
         * @param frames at least 8
         * @return this builder
         */
        public Builder maxFrames(int frames) {
            this.maxFrames = Checks.atLeast(frames, 8, "maxFrames");
            return this;
        }

        /**
         * Sets the most requests that may wait for a worker, per service (default 10,000). A request
         * over it is refused ({@code overloaded}).
         * @param requests at least 1
         * @return this builder
         */
        public Builder maxQueuedRequests(int requests) {
            this.maxQueuedRequests = Checks.atLeast(requests, 1, "maxQueuedRequests");
            return this;
        }

        /**
         * Sets the most bytes of requests (waiting or with a worker) and of replies waiting for a
         * client that does not read, all services together. A request over it is refused
         * ({@code overloaded}). Default: a quarter of the JVM's maximum heap, at least 16 MiB and
         * at most 256 MiB.
         * @param bytes at least 1 MiB
         * @return this builder
         */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = Checks.bytesAtLeast(bytes, 1024 * 1024, "maxQueuedBytes");
            return this;
        }

        /**
         * Sets the most requests one client connection may have in the broker at once, waiting,
         * with a worker or answered but not yet taken by the client (default 10,000). A request
         * over it is refused ({@code overloaded}): a client that sends without reading is held to
         * this, instead of having its replies dropped.
         * @param requests at least 1
         * @return this builder
         */
        public Builder maxClientRequests(int requests) {
            this.maxClientRequests = Checks.atLeast(requests, 1, "maxClientRequests");
            return this;
        }

        /**
         * Sets the most service names the broker knows at once (default 10,000). A request for a new
         * service over it is refused ({@code too-many-services}); a worker offering one gets
         * DISCONNECT.
         * @param services at least 1
         * @return this builder
         */
        public Builder maxServices(int services) {
            this.maxServices = Checks.atLeast(services, 1, "maxServices");
            return this;
        }

        /**
         * Sets the most bytes of incoming messages that ZeroMQ may hold for the broker before the
         * broker reads them, all connections together. JeroMQ assembles a message whole before the
         * broker sees it; frames that arrive past this budget are not kept, and their message is
         * refused ({@code overloaded}) when read. Default: an eighth of the JVM's maximum heap, at
         * least 8 MiB and at most 128 MiB.
         * @param bytes at least 1 MiB, and more than {@link #maxMessageSize(int)}
         * @return this builder
         */
        public Builder maxInboundBytes(long bytes) {
            this.maxInboundBytes = Checks.bytesAtLeast(bytes, 1024 * 1024, "maxInboundBytes");
            return this;
        }

        /**
         * Sets how long a service may have no worker before the broker tells PX/1 clients that it is
         * unknown ({@code unknown-service}) instead of queueing their requests (default 1 s, long
         * enough to ride out a rolling restart of its workers). Foreign clients' requests wait for
         * the request expiry as MDP/0.1 has it.
         * @param grace a positive duration
         * @return this builder
         */
        public Builder unknownServiceGrace(Duration grace) {
            this.unknownServiceGrace = Checks.positive(grace, "unknownServiceGrace");
            return this;
        }

        /**
         * Sets how long after its start the broker calls no service unknown (default 40 s): a broker
         * that has just (re)started has not heard from the workers that will come back, which notice
         * its restart after their liveness and reconnect after a back-off of up to 32 s by default.
         * Until then Pirate clients' requests wait as MDP/0.1 has it.
         * @param time a positive duration
         * @return this builder
         */
        public Builder workerReturnTime(Duration time) {
            this.workerReturnTime = Checks.positive(time, "workerReturnTime");
            return this;
        }

        /**
         * Sets how long the answer to a PX/1 call whose client connection had gone is kept for the
         * call's next attempt (default 5 s), so a retry gets it instead of running the call again.
         * Kept answers count against {@link #maxQueuedBytes(long)}.
         * @param retention a positive duration
         * @return this builder
         */
        public Builder replyRetention(Duration retention) {
            this.replyRetention = Checks.positive(retention, "replyRetention");
            return this;
        }

        /**
         * Sets how often a request is queued again after a worker died holding it (default 2). When
         * one more worker dies holding it, it is a poison request: dropped, counted, and a Pirate
         * client is told ({@code poison}).
         * @param redeliveries at least 0
         * @return this builder
         */
        public Builder maxRedeliveries(int redeliveries) {
            this.maxRedeliveries = Checks.atLeast(redeliveries, 0, "maxRedeliveries");
            return this;
        }

        /**
         * Sets the most requests one worker connection is given at once (default 1000). A PX/1 worker
         * may offer credit, to take several requests at once ({@code docs/rfc/px-1.md}, section 5.1);
         * the broker gives it the smaller of its offer and this limit. Workers that offer no credit,
         * foreign ones among them, get one request at a time, as MDP/0.1 says.
         * @param credit 1 to 65535
         * @return this builder
         */
        public Builder maxWorkerCredit(int credit) {
            this.maxWorkerCredit = Checks.atLeast(credit, 1, "maxWorkerCredit");
            if (credit > PirateExtension.MAX_CREDIT) {
                throw new IllegalArgumentException("maxWorkerCredit must be at most " + PirateExtension.MAX_CREDIT
                        + ": " + credit);
            }
            return this;
        }

        /**
         * Sets how long a request may wait for a worker before the broker drops it (default 30 s).
         * @param expiry a positive duration
         * @return this builder
         */
        public Builder requestExpiry(Duration expiry) {
            this.requestExpiry = Checks.positive(expiry, "requestExpiry");
            return this;
        }

        /**
         * Sets the listener that receives the broker's events.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.listener = CompositeListener.guard(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets how many ZeroMQ I/O threads move the broker's bytes (default 1). The broker's own
         * loop is one thread whatever this says; more I/O threads help when encoding and decoding
         * frames for many connections is what keeps a core busy.
         * @param ioThreads at least 1
         * @return this builder
         */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = Checks.atLeast(ioThreads, 1, "ioThreads");
            return this;
        }

        /**
         * Makes the broker a CURVE server: traffic encrypted, peers authenticated against the
         * allow-list before any of their messages reaches the broker, and the security's
         * {@link dev.pirate.security.ServiceRules} enforced on every READY and request (default:
         * none, plain text, every peer let in).
         * @param security the server settings, or {@code null} for none
         * @return this builder
         */
        public Builder security(ServerSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Creates the broker's socket in a context shared with other components of this process (the
         * broker closes only its own socket, never the context). Workers and clients of the same
         * context then reach it over an {@code inproc://} endpoint it binds, without TCP or a ZeroMQ
         * I/O thread, while remote peers use its TCP endpoints. {@link #ioThreads(int)} is then the
         * shared context's business. Call before the context has any socket: the broker watches the
         * context's I/O threads.
         * @param shared a context that outlives the broker
         * @return this builder
         */
        public Builder context(ZContext shared) {
            this.sharedContext = Objects.requireNonNull(shared, "shared");
            return this;
        }

        /**
         * Sets the name of the broker thread (default {@code pirate-broker}).
         * @param name the thread name
         * @return this builder
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Builds the broker; call {@link MajordomoBroker#start()} to run it.
         * @return the broker
         */
        public MajordomoBroker build() {
            if (this.endpoints.isEmpty()) {
                throw new IllegalStateException("A broker needs at least one endpoint to bind");
            }
            Builder copy = new Builder();
            copy.endpoints.addAll(this.endpoints);
            copy.heartbeatInterval = this.heartbeatInterval;
            copy.liveness = this.liveness;
            copy.maxMessageSize = this.maxMessageSize;
            copy.maxFrames = this.maxFrames;
            copy.requestExpiry = this.requestExpiry;
            copy.maxQueuedRequests = this.maxQueuedRequests;
            copy.maxQueuedBytes = this.maxQueuedBytes;
            copy.maxClientRequests = this.maxClientRequests;
            copy.maxServices = this.maxServices;
            copy.maxRedeliveries = this.maxRedeliveries;
            copy.maxInboundBytes = this.maxInboundBytes;
            copy.unknownServiceGrace = this.unknownServiceGrace;
            copy.replyRetention = this.replyRetention;
            copy.workerReturnTime = this.workerReturnTime;
            copy.maxWorkerCredit = this.maxWorkerCredit;
            copy.sharedContext = this.sharedContext;
            copy.listener = this.listener;
            copy.threadName = this.threadName;
            copy.ioThreads = this.ioThreads;
            copy.security = this.security;
            return new MajordomoBroker(copy);
        }

        BrokerLimits limits() {
            return new BrokerLimits(this.maxMessageSize, this.maxFrames, this.maxQueuedRequests, this.maxQueuedBytes,
                    this.maxClientRequests, this.maxServices, this.maxRedeliveries, this.requestExpiry.toNanos(),
                    this.unknownServiceGrace.toNanos(), this.replyRetention.toNanos(), this.workerReturnTime.toNanos(),
                    this.maxWorkerCredit);
        }

        /**
         * Returns the default of {@link #maxInboundBytes(long)} for this JVM.
         * @return an eighth of the maximum heap, between 8 MiB and 128 MiB
         */
        public static long defaultMaxInboundBytes() {
            return Sockets.defaultInboundBudget();
        }

        /**
         * Returns the default of {@link #maxQueuedBytes(long)} for this JVM.
         * @return a quarter of the maximum heap, between 16 MiB and 256 MiB
         */
        public static long defaultMaxQueuedBytes() {
            long quarter = Runtime.getRuntime().maxMemory() / 4;
            return Math.max(16L << 20, Math.min(256L << 20, quarter));
        }
    }
}
