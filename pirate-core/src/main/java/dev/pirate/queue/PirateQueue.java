package dev.pirate.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import dev.pirate.event.PirateListener;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.Ppp;
import dev.pirate.support.ByteKey;
import dev.pirate.support.Checks;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.LoopThread;
import dev.pirate.support.Sockets;

/**
 * The Guide's Simple Pirate and Paranoid Pirate queues: a ROUTER frontend for Lazy Pirate clients,
 * a ROUTER backend for workers, requests to the worker that has waited longest.
 * <p>
 * The queue keeps no request: a request lost with its worker is sent again by the client's retry.
 * In {@link QueueMode#PARANOID} mode the queue heartbeats every known worker each interval and
 * forgets workers silent for {@code liveness} intervals; heartbeats from a busy worker keep it alive
 * without making it ready. Malformed messages are dropped and counted; a worker sending garbage is
 * forgotten.
 */
public final class PirateQueue implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PirateQueue.class);

    private static final long MAX_WAIT_MILLIS = 100;

    private static final byte[][] NO_PREFIX = {};

    private static final byte[][] REQ_PREFIX = { Mdp.EMPTY };

    private final Builder settings;

    private final ZContext context = new ZContext(1);

    private final Map<ByteKey, Long> ready = new LinkedHashMap<>();

    private final Map<ByteKey, Long> busy = new HashMap<>();

    private final ByteKey lookup = ByteKey.forLookup();

    private final LoopThread loop = new LoopThread();

    private volatile QueueSnapshot snapshot = QueueSnapshot.NOT_RUNNING;

    private volatile String frontendEndpoint;

    private volatile String backendEndpoint;

    private long requests;

    private long expired;

    private long invalid;

    private PirateQueue(Builder settings) {
        this.settings = settings;
    }

    /**
     * Starts building a queue.
     * @param mode simple or paranoid
     * @param frontend the endpoint clients connect to
     * @param backend the endpoint workers connect to
     * @return a builder; Paranoid Pirate defaults are heartbeat 1 s and liveness 3
     */
    public static Builder builder(QueueMode mode, String frontend, String backend) {
        return new Builder(mode, frontend, backend);
    }

    /**
     * Binds both sockets and starts the queue thread.
     * @throws IllegalStateException if an endpoint cannot be bound
     */
    public void start() {
        this.loop.start("pirate-queue-" + this.settings.mode.name().toLowerCase(Locale.ROOT), this::run);
    }

    private void run() {
        try {
            ZMQ.Socket frontend;
            ZMQ.Socket backend;
            try {
                frontend = bind(this.settings.frontend);
                this.frontendEndpoint = frontend.getLastEndpoint();
                backend = bind(this.settings.backend);
                this.backendEndpoint = backend.getLastEndpoint();
            }
            catch (RuntimeException ex) {
                throw new IllegalStateException("Cannot bind queue: " + ex.getMessage(), ex);
            }
            try (ZMQ.Poller workersOnly = this.context.createPoller(1);
                    ZMQ.Poller both = this.context.createPoller(2)) {
                workersOnly.register(backend, ZMQ.Poller.POLLIN);
                both.register(backend, ZMQ.Poller.POLLIN);
                both.register(frontend, ZMQ.Poller.POLLIN);
                logger.info("{} Pirate queue: clients on {}, workers on {}", this.settings.mode,
                        this.frontendEndpoint, this.backendEndpoint);
                publish();
                this.loop.serving();
                loop(workersOnly, both, frontend, backend);
            }
        }
        finally {
            this.snapshot = QueueSnapshot.NOT_RUNNING;
            this.context.close();
        }
    }

    private ZMQ.Socket bind(String endpoint) {
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.ROUTER);
        socket.setRouterMandatory(true);
        socket.bind(endpoint);
        return socket;
    }

    private void loop(ZMQ.Poller workersOnly, ZMQ.Poller both, ZMQ.Socket frontend, ZMQ.Socket backend) {
        FrameBuffer frames = new FrameBuffer(this.settings.maxMessageSize, 1024);
        long heartbeatNanos = this.settings.heartbeatInterval.toNanos();
        long nextHeartbeat = System.nanoTime() + heartbeatNanos;
        boolean paranoid = this.settings.mode == QueueMode.PARANOID;
        while (this.loop.isRunning()) {
            // Take client requests only while a worker is ready: the queue holds no request itself,
            // so clients wait in ZeroMQ's pipes, as in the Guide.
            ZMQ.Poller poller = this.ready.isEmpty() ? workersOnly : both;
            long waitMillis = paranoid
                    ? Math.min(MAX_WAIT_MILLIS, Math.max(0, (nextHeartbeat - System.nanoTime()) / 1_000_000))
                    : MAX_WAIT_MILLIS;
            poller.poll(waitMillis);
            if (poller.pollin(0)) {
                while (frames.receiveNow(backend)) {
                    onWorkerMessage(frames, frontend);
                }
            }
            if (poller == both && both.pollin(1)) {
                while (!this.ready.isEmpty() && frames.receiveNow(frontend)) {
                    onClientMessage(frames, backend);
                }
            }
            long now = System.nanoTime();
            if (paranoid && now - nextHeartbeat >= 0) {
                heartbeatAndExpire(backend, now);
                nextHeartbeat = now + heartbeatNanos;
            }
            publish();
        }
    }

    private byte[][] prefix() {
        return (this.settings.mode == QueueMode.SIMPLE) ? REQ_PREFIX : NO_PREFIX;
    }

    private void onWorkerMessage(FrameBuffer frames, ZMQ.Socket frontend) {
        byte[] worker = frames.get(0);
        int start = 1 + prefix().length;
        if (frames.isOversized() || frames.size() <= start
                || (this.settings.mode == QueueMode.SIMPLE && frames.get(1).length != 0)) {
            dropWorker(worker, "bad_header");
            return;
        }
        long expiry = System.nanoTime() + this.settings.heartbeatInterval.toNanos() * this.settings.liveness;
        int rest = frames.size() - start;
        if (rest == 1 && Mdp.is(frames.get(start), Ppp.READY)) {
            ByteKey key = ByteKey.copyOf(worker);
            this.busy.remove(key);
            if (this.ready.put(key, expiry) == null) {
                this.settings.listener.brokerWorkerRegistered(this.settings.name);
            }
            return;
        }
        if (rest == 1 && this.settings.mode == QueueMode.PARANOID && Mdp.is(frames.get(start), Ppp.HEARTBEAT)) {
            refresh(worker, expiry);
            return;
        }
        if (rest >= 3 && frames.get(start + 1).length == 0) {
            ByteKey key = this.busy.containsKey(this.lookup.wrap(worker)) ? ByteKey.copyOf(worker) : null;
            if (key == null) {
                dropWorker(worker, "unexpected_command");
                return;
            }
            this.busy.remove(key);
            this.ready.put(key, expiry);
            forward(frontend, frames, start);
            return;
        }
        dropWorker(worker, (rest == 1) ? "unknown_command" : "missing_frames");
    }

    private void refresh(byte[] worker, long expiry) {
        ByteKey key = this.lookup.wrap(worker);
        if (this.ready.containsKey(key)) {
            this.ready.put(ByteKey.copyOf(worker), expiry);
        }
        else if (this.busy.containsKey(key)) {
            this.busy.put(ByteKey.copyOf(worker), expiry);
        }
    }

    private void forward(ZMQ.Socket frontend, FrameBuffer frames, int start) {
        if (!frames.sendFromNow(frontend, start)) {
            logger.debug("Client {} gone or not reading; reply dropped", FrameBuffer.hex(frames.get(start)));
        }
    }

    private void onClientMessage(FrameBuffer frames, ZMQ.Socket backend) {
        if (frames.isOversized() || frames.size() < 3 || frames.get(1).length != 0) {
            count("bad_header", frames.get(0));
            return;
        }
        while (!this.ready.isEmpty()) {
            Iterator<Map.Entry<ByteKey, Long>> first = this.ready.entrySet().iterator();
            Map.Entry<ByteKey, Long> worker = first.next();
            first.remove();
            if (sendToWorker(backend, worker.getKey(), frames)) {
                this.busy.put(worker.getKey(), worker.getValue());
                this.requests++;
                this.settings.listener.brokerRequest(this.settings.name);
                return;
            }
            logger.debug("Worker {} unreachable; forgetting it", worker.getKey());
        }
        logger.debug("No reachable worker for a request; the client will retry");
    }

    private boolean sendToWorker(ZMQ.Socket backend, ByteKey worker, FrameBuffer frames) {
        try {
            if (!backend.send(worker.bytes(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
        }
        catch (ZMQException ex) {
            return false;
        }
        for (byte[] frame : prefix()) {
            backend.send(frame, ZMQ.SNDMORE);
        }
        frames.sendFrom(backend, 0);
        return true;
    }

    private void heartbeatAndExpire(ZMQ.Socket backend, long now) {
        expire(this.ready, now);
        expire(this.busy, now);
        List<ByteKey> all = new ArrayList<>(this.ready.keySet());
        all.addAll(this.busy.keySet());
        for (ByteKey worker : all) {
            try {
                if (backend.send(worker.bytes(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                    backend.send(Ppp.HEARTBEAT, 0);
                }
            }
            catch (ZMQException ex) {
                this.ready.remove(worker);
                this.busy.remove(worker);
            }
        }
    }

    private void expire(Map<ByteKey, Long> workers, long now) {
        Iterator<Map.Entry<ByteKey, Long>> it = workers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ByteKey, Long> entry = it.next();
            if (now - entry.getValue() > 0) {
                it.remove();
                this.expired++;
                this.settings.listener.brokerWorkerExpired(this.settings.name);
                logger.info("Worker {} silent for too long; forgetting it", entry.getKey());
            }
        }
    }

    private void dropWorker(byte[] worker, String reason) {
        count(reason, worker);
        ByteKey key = this.lookup.wrap(worker);
        this.ready.remove(key);
        this.busy.remove(key);
    }

    private void count(String reason, byte[] peer) {
        this.invalid++;
        this.settings.listener.brokerMessageDropped(reason);
        logger.warn("Queue dropped an invalid message from peer {}: {}", FrameBuffer.hex(peer), reason);
    }

    private void publish() {
        this.snapshot = new QueueSnapshot(true, this.ready.size(), this.busy.size(), this.requests, this.expired,
                this.invalid);
    }

    /**
     * Returns the bound client endpoint, with a wildcard port resolved.
     * @return the frontend endpoint
     */
    public String frontendEndpoint() {
        return this.frontendEndpoint;
    }

    /**
     * Returns the bound worker endpoint, with a wildcard port resolved.
     * @return the backend endpoint
     */
    public String backendEndpoint() {
        return this.backendEndpoint;
    }

    /**
     * Returns the latest published picture of the queue.
     * @return the snapshot
     */
    public QueueSnapshot snapshot() {
        return this.snapshot;
    }

    /**
     * Stops the loop and closes both sockets; returns within about 100 ms, never after more than 5 s.
     */
    @Override
    public void close() {
        if (!this.loop.stop()) {
            this.context.close();
        }
    }

    /**
     * Settings of a {@link PirateQueue}.
     */
    public static final class Builder {

        private final QueueMode mode;

        private final String frontend;

        private final String backend;

        private Duration heartbeatInterval = Duration.ofSeconds(1);

        private int liveness = 3;

        private long maxMessageSize = 1024 * 1024;

        private PirateListener listener = PirateListener.NONE;

        private String name;

        private Builder(QueueMode mode, String frontend, String backend) {
            this.mode = Objects.requireNonNull(mode, "mode");
            this.frontend = Objects.requireNonNull(frontend, "frontend");
            this.backend = Objects.requireNonNull(backend, "backend");
            this.name = (mode == QueueMode.SIMPLE) ? "spqueue" : "ppqueue";
        }

        /**
         * Sets the heartbeat interval (Paranoid Pirate; default 1 s).
         * @param interval a positive duration
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * Sets how many silent intervals make a worker expire (Paranoid Pirate; default 3).
         * @param liveness at least 1
         * @return this builder
         */
        public Builder liveness(int liveness) {
            this.liveness = Checks.atLeast(liveness, 1, "liveness");
            return this;
        }

        /**
         * Sets the largest message accepted (default 1 MiB).
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Sets the listener; the queue reports under its name as the service.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the name used as the service of its events (default {@code spqueue} or {@code ppqueue}).
         * @param name a short fixed name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Builds the queue.
         * @return the queue, not yet started
         */
        public PirateQueue build() {
            return new PirateQueue(this);
        }
    }
}
