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

import dev.pirate.event.PirateListener;
import dev.pirate.support.Checks;
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
 */
public final class MajordomoBroker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MajordomoBroker.class);

    /** Longest wait for a message before the loop looks at its timers and its stop flag. */
    private static final long MAX_WAIT_MILLIS = 100;

    private static final long SNAPSHOT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Builder settings;

    private final ZContext context;

    private final LoopThread loop = new LoopThread();

    private volatile BrokerSnapshot snapshot = BrokerSnapshot.NOT_RUNNING;

    private volatile List<String> endpoints = List.of();

    private MajordomoBroker(Builder settings) {
        this.settings = settings;
        this.context = new ZContext(settings.ioThreads);
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
     * @throws IllegalStateException if an endpoint cannot be bound, or the broker was started before
     */
    public void start() {
        this.loop.start(this.settings.threadName, this::run);
    }

    private void run() {
        try {
            ZMQ.Socket socket;
            try {
                socket = openSocket();
            }
            catch (RuntimeException ex) {
                throw new IllegalStateException("Cannot bind broker to " + this.settings.endpoints + ": "
                        + ex.getMessage(), ex);
            }
            loop(socket);
        }
        finally {
            this.snapshot = BrokerSnapshot.NOT_RUNNING;
            this.context.close();
        }
    }

    private ZMQ.Socket openSocket() {
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.ROUTER);
        socket.setRouterMandatory(true);
        socket.setMaxMsgSize(this.settings.maxMessageSize);
        socket.setReceiveTimeOut((int) Math.min(MAX_WAIT_MILLIS, this.settings.heartbeatInterval.toMillis()));
        List<String> bound = new ArrayList<>();
        for (String endpoint : this.settings.endpoints) {
            socket.bind(endpoint);
            bound.add(socket.getLastEndpoint());
        }
        this.endpoints = List.copyOf(bound);
        return socket;
    }

    private void loop(ZMQ.Socket socket) {
        long heartbeatNanos = this.settings.heartbeatInterval.toNanos();
        BrokerEngine engine = new BrokerEngine(socket, this.settings.listener, heartbeatNanos, this.settings.liveness,
                this.settings.requestExpiry.toNanos());
        FrameBuffer frames = new FrameBuffer(this.settings.maxMessageSize, this.settings.maxFrames);
        long now = System.nanoTime();
        long nextHeartbeat = now + heartbeatNanos;
        long nextSnapshot = now;
        logger.info("Majordomo broker serving on {}", this.endpoints);
        this.snapshot = engine.snapshot(this.endpoints);
        this.loop.serving();
        while (this.loop.isRunning()) {
            boolean received = frames.receive(socket);
            now = System.nanoTime();
            if (received) {
                engine.onMessage(frames, now);
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
     * Stops the loop: sends DISCONNECT to every worker, closes the socket and the context. Returns
     * when the thread has ended, which takes about 100 ms, and never waits longer than 5 s.
     */
    @Override
    public void close() {
        if (!this.loop.stop()) {
            this.context.close();
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

        private PirateListener listener = PirateListener.NONE;

        private String threadName = "pirate-broker";

        private int ioThreads = 1;

        private Builder() {
        }

        /**
         * Adds an endpoint to bind, e.g. {@code tcp://*:5555} or {@code tcp://127.0.0.1:*}.
         * @param endpoint a ZeroMQ endpoint
         * @return this builder
         */
        public Builder bind(String endpoint) {
            this.endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
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
            if (bytes < 64) {
                throw new IllegalArgumentException("maxMessageSize must be at least 64 bytes, was " + bytes);
            }
            this.maxMessageSize = bytes;
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
            this.listener = Objects.requireNonNull(listener, "listener");
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
            copy.listener = this.listener;
            copy.threadName = this.threadName;
            copy.ioThreads = this.ioThreads;
            return new MajordomoBroker(copy);
        }
    }
}
