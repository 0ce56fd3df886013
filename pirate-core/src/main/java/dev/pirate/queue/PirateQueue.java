package dev.pirate.queue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.security.ServerSecurity;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.Ppp;
import dev.pirate.support.Endpoints;
import dev.pirate.support.ByteKey;
import dev.pirate.support.Checks;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.LoopThread;
import dev.pirate.support.RateLimitedLog;
import dev.pirate.support.Sockets;

/**
 * The Guide's Simple Pirate and Paranoid Pirate queues: a ROUTER frontend for Lazy Pirate clients,
 * a ROUTER backend for workers, requests to the worker that has waited longest.
 * <p>
 * The queue keeps no request: a request lost with its worker is sent again by the client's retry.
 * In {@link QueueMode#PARANOID} mode the queue heartbeats every known worker each interval and
 * forgets workers silent for {@code liveness} intervals; heartbeats from a busy worker keep it alive
 * without making it ready. In {@link QueueMode#SIMPLE} mode, which has no heartbeats, a busy worker
 * that has not replied within the request expiry is forgotten.
 * <p>
 * The queue remembers which client each busy worker serves and forwards a reply only to that client.
 * Malformed, oversized and misaddressed messages are dropped and counted, and logged at most once a
 * second per reason; a worker sending garbage is forgotten. A loop that dies (or a ZeroMQ I/O thread
 * of the queue) stops the queue: it is logged at ERROR, told to the listener's
 * {@link PirateListener#loopFailed(String, Throwable)} and kept for {@link #failure()}.
 */
public final class PirateQueue implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PirateQueue.class);

    private static final long MAX_WAIT_MILLIS = 100;

    private static final byte[][] NO_PREFIX = {};

    private static final byte[][] REQ_PREFIX = { Mdp.EMPTY };

    /**
     * Room a worker's message needs beyond the client's: its routing id (at most 255 bytes) and the
     * REQ delimiter, so a request within the limits never makes a reply that breaks them.
     */
    private static final int WORKER_EXTRA_BYTES = 256;

    private static final int WORKER_EXTRA_FRAMES = 2;

    /** Why the queue dropped a message; the tags are those of {@link PirateListener#brokerMessageDropped}. */
    private enum Drop {

        /** Over the size or frame-count limit. */
        OVERSIZED,

        /** The delimiter frame was missing. */
        BAD_HEADER,

        /** A single frame that is not a command of the protocol. */
        UNKNOWN_COMMAND,

        /** Too few frames for a command or a reply. */
        MISSING_FRAMES,

        /** A reply from a worker that holds no request. */
        UNEXPECTED_COMMAND,

        /** A reply addressed to another client than the one whose request the worker holds. */
        REPLY_MISMATCH;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** What else network input makes the queue log: each is normal once, worth a line, never a flood. */
    private enum Notice {
        WORKER_EXPIRED, WORKER_UNREACHABLE, NO_WORKER_REACHABLE, REPLY_UNDELIVERED, LATE_REPLY
    }

    private final Builder settings;

    private final ZContext context = new ZContext(1);

    /** Ready workers, longest waiting first. */
    private final Map<ByteKey, Worker> ready = new LinkedHashMap<>();

    /** Busy workers in the order they took their request: in Simple mode, earliest expiry first. */
    private final Map<ByteKey, Worker> busy = new LinkedHashMap<>();

    private final ByteKey lookup = ByteKey.forLookup();

    private final LoopThread loop = new LoopThread();

    private final RateLimitedLog<Drop> drops = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN, Drop.class);

    private final RateLimitedLog<Notice> notices = new RateLimitedLog<>(logger, RateLimitedLog.Level.INFO,
            Notice.class);

    private final String threadName;

    private final long requestExpiryNanos;

    private volatile QueueSnapshot snapshot = QueueSnapshot.NOT_RUNNING;

    private volatile String frontendEndpoint;

    private volatile String backendEndpoint;

    /** Answers CURVE authentication for both sockets; used by the queue thread only. */
    private ServerSecurity.Authentication authentication;

    private long requests;

    private long expired;

    private long invalid;

    private PirateQueue(Builder settings) {
        this.settings = settings;
        this.threadName = "pirate-queue-" + settings.mode.name().toLowerCase(Locale.ROOT);
        this.requestExpiryNanos = settings.requestExpiry.toNanos();
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
        this.loop.start(this.threadName, this::run,
                (cause) -> this.settings.listener.loopFailed(this.threadName, cause));
    }

    private void run() {
        try {
            Sockets.watchIoThreads(this.context, this.loop::fail);
            ZMQ.Socket frontend;
            ZMQ.Socket backend;
            try {
                if (this.settings.security != null) {
                    // Before the binds: ZeroMQ lets every key in while no authentication handler runs.
                    this.authentication = this.settings.security.startAuthentication(this.context,
                            this.threadName + "-zap", this.loop::fail);
                }
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
            if (this.authentication != null) {
                this.authentication.close();
            }
            this.context.close();
        }
    }

    private ZMQ.Socket bind(String endpoint) {
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.ROUTER);
        if (this.settings.security != null) {
            this.settings.security.applyTo(socket);
        }
        socket.setRouterMandatory(true);
        // A single frame over the limit is refused by ZeroMQ itself, which drops that connection;
        // frames past the inbound budget are not kept, and their message is dropped when read.
        Sockets.limitInbound(socket, this.settings.maxMessageSize, Sockets.defaultInboundBudget());
        socket.bind(endpoint);
        return socket;
    }

    private void loop(ZMQ.Poller workersOnly, ZMQ.Poller both, ZMQ.Socket frontend, ZMQ.Socket backend) {
        FrameBuffer fromClient = new FrameBuffer(this.settings.maxMessageSize, this.settings.maxFrames);
        FrameBuffer fromWorker = new FrameBuffer(this.settings.maxMessageSize + WORKER_EXTRA_BYTES,
                this.settings.maxFrames + WORKER_EXTRA_FRAMES);
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
                while (fromWorker.receiveNow(backend)) {
                    onWorkerMessage(fromWorker, frontend);
                }
            }
            if (poller == both && both.pollin(1)) {
                while (!this.ready.isEmpty() && fromClient.receiveNow(frontend)) {
                    onClientMessage(fromClient, backend);
                }
            }
            long now = System.nanoTime();
            if (paranoid) {
                if (now - nextHeartbeat >= 0) {
                    heartbeatAndExpire(backend, now);
                    nextHeartbeat = now + heartbeatNanos;
                }
            }
            else {
                expireRequests(now);
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
        if (frames.isOversized()) {
            dropWorker(worker, Drop.OVERSIZED);
            return;
        }
        if (frames.size() <= start || (this.settings.mode == QueueMode.SIMPLE && frames.get(1).length != 0)) {
            dropWorker(worker, Drop.BAD_HEADER);
            return;
        }
        long expiry = System.nanoTime() + this.settings.heartbeatInterval.toNanos() * this.settings.liveness;
        int rest = frames.size() - start;
        if (rest == 1 && Mdp.is(frames.get(start), Ppp.READY)) {
            onReady(worker, expiry);
            return;
        }
        if (rest == 1 && this.settings.mode == QueueMode.PARANOID && Mdp.is(frames.get(start), Ppp.HEARTBEAT)) {
            refresh(worker, expiry);
            return;
        }
        if (rest >= 3 && frames.get(start + 1).length == 0) {
            onReply(frames, start, expiry, frontend);
            return;
        }
        dropWorker(worker, (rest == 1) ? Drop.UNKNOWN_COMMAND : Drop.MISSING_FRAMES);
    }

    private void onReady(byte[] worker, long expiry) {
        ByteKey key = this.lookup.wrap(worker);
        Worker known = this.busy.remove(key);
        if (known == null) {
            known = this.ready.get(key);
        }
        if (known == null) {
            known = new Worker(ByteKey.copyOf(worker));
            this.settings.listener.brokerWorkerRegistered(this.settings.name);
        }
        makeReady(known, expiry);
    }

    private void onReply(FrameBuffer frames, int start, long expiry, ZMQ.Socket frontend) {
        byte[] worker = frames.get(0);
        Worker holder = this.busy.remove(this.lookup.wrap(worker));
        if (holder == null) {
            if (this.settings.mode == QueueMode.SIMPLE) {
                // A worker forgotten when its request expired, answering late. A Simple Pirate worker
                // is a REQ socket: having replied, it waits for the next request and never says READY
                // again, so it is ready now. Its client has retried or given up: the reply goes nowhere.
                this.notices.log(Notice.LATE_REPLY, "Worker {} replied after its request expired; reply dropped",
                        FrameBuffer.hex(worker));
                this.settings.listener.brokerReplyDropped("late");
                makeReady(new Worker(ByteKey.copyOf(worker)), expiry);
                return;
            }
            dropWorker(worker, Drop.UNEXPECTED_COMMAND);
            return;
        }
        byte[] client = holder.client;
        if (!Arrays.equals(client, frames.get(start))) {
            count(Drop.REPLY_MISMATCH, worker);
            // A Paranoid worker that misaddresses replies is not trusted with another request; it
            // hears no more heartbeats, so it reconnects and says READY afresh. A Simple worker, a REQ
            // socket, would never say READY again: it has spent its turn and waits for a request.
            if (this.settings.mode == QueueMode.SIMPLE) {
                makeReady(holder, expiry);
            }
            return;
        }
        makeReady(holder, expiry);
        if (!frames.sendFromNow(frontend, start)) {
            this.notices.log(Notice.REPLY_UNDELIVERED, "Client {} gone or not reading; reply dropped",
                    FrameBuffer.hex(client));
            this.settings.listener.brokerReplyDropped("unreachable");
        }
    }

    private void makeReady(Worker worker, long expiry) {
        worker.expiry = expiry;
        worker.client = null;
        this.ready.put(worker.id, worker);
    }

    private void refresh(byte[] worker, long expiry) {
        ByteKey key = this.lookup.wrap(worker);
        Worker known = this.ready.get(key);
        if (known == null) {
            known = this.busy.get(key);
        }
        if (known != null) {
            known.expiry = expiry;
        }
    }

    private void onClientMessage(FrameBuffer frames, ZMQ.Socket backend) {
        if (frames.isOversized()) {
            count(Drop.OVERSIZED, frames.get(0));
            return;
        }
        if (frames.size() < 3 || frames.get(1).length != 0) {
            count(Drop.BAD_HEADER, frames.get(0));
            return;
        }
        while (!this.ready.isEmpty()) {
            Iterator<Worker> first = this.ready.values().iterator();
            Worker worker = first.next();
            first.remove();
            if (sendToWorker(backend, worker.id, frames)) {
                // FrameBuffer hands out the arrays ZeroMQ allocated and never reuses them: keeping one is safe.
                worker.client = frames.get(0);
                if (this.settings.mode == QueueMode.SIMPLE) {
                    worker.expiry = System.nanoTime() + this.requestExpiryNanos;
                }
                this.busy.put(worker.id, worker);
                this.requests++;
                this.settings.listener.brokerRequest(this.settings.name);
                return;
            }
            this.notices.log(Notice.WORKER_UNREACHABLE, "Worker {} unreachable; forgetting it", worker.id);
        }
        this.notices.log(Notice.NO_WORKER_REACHABLE, "No reachable worker for a request; the client will retry");
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

    /**
     * Simple Pirate has no heartbeats, and ZeroMQ does not tell a ROUTER which peer left (its socket
     * monitor names connections, not routing ids; ROUTER_MANDATORY only speaks when we send, and a
     * busy REQ worker must not be sent anything). So the only sound sign that a busy worker died is
     * that it has not replied within the request expiry: by then its client has retried elsewhere or
     * given up, so the worker is forgotten. A worker that was only slow comes back with its late
     * reply ({@link #onReply}). Every busy worker gets the same expiry when it takes its request,
     * so the oldest is first in {@link #busy} and the check is O(1) when nothing expires.
     */
    private void expireRequests(long now) {
        Iterator<Worker> oldest = this.busy.values().iterator();
        while (oldest.hasNext()) {
            Worker worker = oldest.next();
            if (now - worker.expiry <= 0) {
                return;
            }
            oldest.remove();
            forgetExpired(worker);
        }
    }

    private void heartbeatAndExpire(ZMQ.Socket backend, long now) {
        expire(this.ready, now);
        expire(this.busy, now);
        heartbeat(this.ready, backend);
        heartbeat(this.busy, backend);
    }

    private void heartbeat(Map<ByteKey, Worker> workers, ZMQ.Socket backend) {
        Iterator<Worker> it = workers.values().iterator();
        while (it.hasNext()) {
            Worker worker = it.next();
            try {
                if (backend.send(worker.id.bytes(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                    backend.send(Ppp.HEARTBEAT, 0);
                }
            }
            catch (ZMQException ex) {
                it.remove();
                this.notices.log(Notice.WORKER_UNREACHABLE, "Worker {} unreachable; forgetting it", worker.id);
            }
        }
    }

    private void expire(Map<ByteKey, Worker> workers, long now) {
        Iterator<Worker> it = workers.values().iterator();
        while (it.hasNext()) {
            Worker worker = it.next();
            if (now - worker.expiry > 0) {
                it.remove();
                forgetExpired(worker);
            }
        }
    }

    private void forgetExpired(Worker worker) {
        this.expired++;
        this.settings.listener.brokerWorkerExpired(this.settings.name);
        this.notices.log(Notice.WORKER_EXPIRED, "Worker {} silent for too long; forgetting it", worker.id);
    }

    private void dropWorker(byte[] worker, Drop reason) {
        count(reason, worker);
        ByteKey key = this.lookup.wrap(worker);
        this.ready.remove(key);
        this.busy.remove(key);
    }

    private void count(Drop reason, byte[] peer) {
        this.invalid++;
        this.settings.listener.brokerMessageDropped(reason.tag);
        this.drops.log(reason, "Queue dropped an invalid message from peer {}: {}", FrameBuffer.hex(peer), reason.tag);
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
     * Tells whether the queue serves: started, not closed and not failed.
     * @return {@code true} while the loop runs
     */
    public boolean isRunning() {
        return this.loop.isRunning();
    }

    /**
     * Returns what stopped the queue, if anything did.
     * @return the error that killed its loop or a ZeroMQ I/O thread, or {@code null}
     */
    public Throwable failure() {
        return this.loop.failure();
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

    /** A worker the queue knows; one object for its whole life, so routing a request allocates nothing. */
    private static final class Worker {

        final ByteKey id;

        /** Paranoid: when it counts as silent. Simple, while busy: when its request expires. */
        long expiry;

        /** While busy: the routing id of the client whose request it holds. */
        byte[] client;

        Worker(ByteKey id) {
            this.id = id;
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

        private Duration requestExpiry = Duration.ofSeconds(30);

        private long maxMessageSize = 1024 * 1024;

        private int maxFrames = 1024;

        private PirateListener listener = PirateListener.NONE;

        private String name;

        private ServerSecurity security;

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
         * Sets how long a Simple Pirate worker may hold a request before the queue takes it for dead
         * and forgets it (default 30 s). Make it longer than the slowest request and than a client's
         * whole patience (timeout times attempts): a reply later than this is dropped. Paranoid
         * Pirate workers prove they live with heartbeats instead.
         * @param expiry a positive duration
         * @return this builder
         */
        public Builder requestExpiry(Duration expiry) {
            this.requestExpiry = Checks.positive(expiry, "requestExpiry");
            return this;
        }

        /**
         * Sets the largest message accepted from a client, all frames together (default 1 MiB).
         * Larger messages are dropped and counted; a single larger frame makes ZeroMQ drop the
         * connection. A worker's message may be larger by the queue's own routing frames.
         * @param bytes at least 64
         * @return this builder
         */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = Checks.bytesAtLeast(bytes, 64, "maxMessageSize");
            return this;
        }

        /**
         * Sets the most frames a client message may have, its routing id included (default 1024).
         * Messages with more are dropped and counted.
         * @param frames at least 3: routing id, delimiter, one body frame
         * @return this builder
         */
        public Builder maxFrames(int frames) {
            this.maxFrames = Checks.atLeast(frames, 3, "maxFrames");
            return this;
        }

        /**
         * Sets the listener; the queue reports under its name as the service. Its exceptions are
         * logged, never thrown into the queue.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.listener = CompositeListener.guard(Objects.requireNonNull(listener, "listener"));
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
         * Makes both sockets CURVE servers: clients and workers must know the queue's public key and
         * use a key the security allows (default: none, plain text).
         * @param security the server settings, or {@code null} for none
         * @return this builder
         */
        public Builder security(ServerSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Builds the queue.
         * @return the queue, not yet started
         * @throws IllegalArgumentException if {@code frontend} or {@code backend} is not a ZeroMQ endpoint
         */
        public PirateQueue build() {
            Endpoints.check(this.frontend, "frontend");
            Endpoints.check(this.backend, "backend");
            return new PirateQueue(this);
        }
    }
}
