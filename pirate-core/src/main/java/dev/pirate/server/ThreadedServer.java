package dev.pirate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.event.CompositeListener;
import dev.pirate.event.PirateListener;
import dev.pirate.security.ServerSecurity;
import dev.pirate.protocol.ErrorReply;
import dev.pirate.support.Endpoints;
import dev.pirate.support.Checks;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.LoopThread;
import dev.pirate.support.Loops;
import dev.pirate.support.RateLimitedLog;
import dev.pirate.support.Sockets;
import dev.pirate.worker.RequestHandler;

/**
 * The Guide's multi-threaded service: a ROUTER on the public endpoint, a DEALER on an
 * {@code inproc://} endpoint, and N threads each with its own REP socket, so a plain REQ/REP service
 * serves N requests at once behind one endpoint. Lazy Pirate clients talk to it like to any REP
 * server.
 * <p>
 * Requests over the size or frame-count limit are dropped, counted and logged (at most once a
 * second). A handler's exception becomes a Pirate error reply. An {@link Error} in any thread (or
 * the death of a ZeroMQ I/O thread) stops the whole server loudly, never leaving it serving with
 * fewer threads: it is logged at ERROR, told to {@link PirateListener#loopFailed(String, Throwable)},
 * {@link #isRunning()} turns {@code false} and {@link #failure()} tells why.
 * <pre>{@code
 * try (ThreadedServer server = ThreadedServer.builder("tcp://*:5555", (body) -> body).threads(8).build()) {
 *     server.start();
 *     ...
 * }
 * }</pre>
 */
public final class ThreadedServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ThreadedServer.class);

    private static final int MAX_WAIT_MILLIS = 100;

    private static final String PROXY_THREAD = "pirate-server-proxy";

    /** What requests make the server log; each at most once a second. */
    private enum Trouble {
        OVERSIZED, HANDLER_FAILED
    }

    private final Builder settings;

    /** Answers CURVE authentication for the front socket; set by the proxy thread before it binds. */
    private volatile ServerSecurity.Authentication authentication;

    private final ZContext context = new ZContext(1);

    private final String inproc = "inproc://pirate-server-" + UUID.randomUUID();

    private final List<Thread> workers = new ArrayList<>();

    private final LoopThread loop = new LoopThread();

    private final RateLimitedLog<Trouble> troubles = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Trouble.class);

    private volatile String endpoint;

    private volatile long droppedRequests;

    /**
     * Creates a server with the builder's default limits.
     * @param bind the endpoint to bind, e.g. {@code tcp://*:5555} or {@code tcp://127.0.0.1:*}
     * @param threads how many requests are served at once
     * @param handler the handler, called from all threads at once
     * @param listener receives {@code workerRequestCompleted} events under {@code name}
     * @param name the name the events carry
     * @throws IllegalArgumentException if {@code bind} is not a ZeroMQ endpoint or {@code threads} is below 1
     */
    public ThreadedServer(String bind, int threads, RequestHandler handler, PirateListener listener, String name) {
        this(builder(bind, handler).threads(threads).listener(listener).name(name).checked());
    }

    private ThreadedServer(Builder settings) {
        this.settings = settings;
    }

    /**
     * Starts building a server.
     * @param bind the endpoint to bind, e.g. {@code tcp://*:5555} or {@code tcp://127.0.0.1:*}
     * @param handler the handler, called from all threads at once
     * @return a builder: 4 threads, 1 MiB and 1024 frames per request, no listener
     */
    public static Builder builder(String bind, RequestHandler handler) {
        return new Builder(bind, handler);
    }

    /**
     * Binds and starts the proxy and worker threads.
     * @throws IllegalStateException if the endpoint cannot be bound
     */
    public synchronized void start() {
        this.loop.start(PROXY_THREAD, this::proxy, (cause) -> this.settings.listener.loopFailed(PROXY_THREAD, cause));
        for (int i = 1; i <= this.settings.threads; i++) {
            String threadName = "pirate-server-" + i;
            Thread worker = new Thread(() -> serve(threadName), threadName);
            this.workers.add(worker);
            worker.start();
        }
    }

    private void proxy() {
        Sockets.watchIoThreads(this.context, this.loop::fail);
        ZMQ.Socket front;
        ZMQ.Socket back;
        try {
            if (this.settings.security != null) {
                // Before the bind: ZeroMQ lets every key in while no authentication handler runs.
                this.authentication = this.settings.security.startAuthentication(this.context, PROXY_THREAD + "-zap",
                        this.loop::fail);
            }
            front = Sockets.create(this.context, SocketType.ROUTER);
            if (this.settings.security != null) {
                this.settings.security.applyTo(front);
            }
            // A single frame over the limit is refused by ZeroMQ itself, which drops that connection;
            // frames past the inbound budget are not kept, and their message is dropped when read.
            Sockets.limitInbound(front, this.settings.maxMessageSize, Sockets.defaultInboundBudget());
            front.bind(this.settings.bind);
            this.endpoint = front.getLastEndpoint();
            back = Sockets.create(this.context, SocketType.DEALER);
            back.bind(this.inproc);
        }
        catch (RuntimeException ex) {
            if (this.authentication != null) {
                this.authentication.close();
            }
            throw new IllegalStateException("Cannot bind server to " + this.settings.bind + ": " + ex.getMessage(), ex);
        }
        logger.info("Threaded server on {} with {} threads", this.endpoint, this.settings.threads);
        this.loop.serving();
        FrameBuffer requests = new FrameBuffer(this.settings.maxMessageSize, this.settings.maxFrames);
        // Replies come from our own handlers: their size is the application's business.
        FrameBuffer replies = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);
        try (ZMQ.Poller poller = this.context.createPoller(2)) {
            poller.register(front, ZMQ.Poller.POLLIN);
            poller.register(back, ZMQ.Poller.POLLIN);
            while (this.loop.isRunning()) {
                poller.poll(MAX_WAIT_MILLIS);
                // Never block the proxy: a request no worker can take is dropped and the client retries.
                if (poller.pollin(0)) {
                    while (requests.receiveNow(front)) {
                        if (requests.isOversized()) {
                            dropOversized(requests);
                        }
                        else {
                            requests.sendFromNow(back, 0);
                        }
                    }
                }
                if (poller.pollin(1)) {
                    while (replies.receiveNow(back)) {
                        replies.sendFromNow(front, 0);
                    }
                }
            }
        }
    }

    private void dropOversized(FrameBuffer requests) {
        this.droppedRequests++;
        this.settings.listener.brokerMessageDropped("oversized");
        this.troubles.log(Trouble.OVERSIZED, "Server '{}' dropped a request from {} over {} bytes or {} frames",
                this.settings.name, FrameBuffer.hex(requests.size() > 0 ? requests.get(0) : null),
                this.settings.maxMessageSize, this.settings.maxFrames);
    }

    /**
     * Runs one serving thread. It cannot be restarted in place (its REP socket may be half-way
     * through a request) and a server with fewer threads than asked for is half alive, so anything
     * that ends it other than a stop ends the server.
     */
    private void serve(String threadName) {
        try {
            serveRequests();
        }
        catch (Throwable ex) {
            this.loop.fail(new IllegalStateException("Server thread " + threadName + " died: " + ex, ex));
        }
    }

    private void serveRequests() {
        ZMQ.Socket rep = Sockets.create(this.context, SocketType.REP);
        rep.setReceiveTimeOut(MAX_WAIT_MILLIS);
        rep.connect(this.inproc);
        // The proxy let through only requests within the limits.
        FrameBuffer frames = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);
        String name = this.settings.name;
        try {
            while (this.loop.isRunning()) {
                if (!frames.receive(rep)) {
                    continue;
                }
                long start = System.nanoTime();
                List<byte[]> reply;
                boolean success;
                try {
                    reply = this.settings.handler.handle(List.of(frames.copyFrom(0)));
                    success = reply != null && !reply.isEmpty();
                    if (!success) {
                        reply = ErrorReply.body(name + ": handler returned no reply frames");
                    }
                }
                catch (Exception ex) {
                    this.troubles.log(Trouble.HANDLER_FAILED, "Handler of '{}' failed", name, ex);
                    reply = ErrorReply.body(name + ": " + ErrorReply.describe(ex, this.settings.exposeExceptionDetails));
                    success = false;
                }
                this.settings.listener.workerRequestCompleted(name, success, System.nanoTime() - start);
                int last = reply.size() - 1;
                for (int i = 0; i <= last; i++) {
                    rep.send(reply.get(i), (i < last) ? ZMQ.SNDMORE : 0);
                }
            }
        }
        finally {
            rep.close();
        }
    }

    /**
     * Returns the bound endpoint, with a wildcard port resolved.
     * @return the endpoint
     */
    public String endpoint() {
        return this.endpoint;
    }

    /**
     * Tells whether the server serves: started, not closed and not failed.
     * @return {@code true} while every thread runs
     */
    public boolean isRunning() {
        return this.loop.isRunning();
    }

    /**
     * Returns what stopped the server, if anything did.
     * @return the error that killed one of its threads or a ZeroMQ I/O thread, or {@code null}
     */
    public Throwable failure() {
        return this.loop.failure();
    }

    /**
     * Returns how many requests were dropped for breaking the size or frame-count limit.
     * @return dropped requests since start
     */
    public long droppedRequests() {
        return this.droppedRequests;
    }

    /**
     * Stops every thread after the request in hand (waiting at most 5 s), then closes the context.
     */
    @Override
    public void close() {
        this.loop.stop();
        long deadline = System.currentTimeMillis() + Loops.STOP_TIMEOUT_MILLIS;
        boolean clean = true;
        for (Thread thread : this.workers) {
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            clean &= !thread.isAlive();
        }
        ServerSecurity.Authentication running = this.authentication;
        if (running != null) {
            running.close();
        }
        if (clean) {
            this.context.close();
        }
        else {
            logger.error("Server threads still busy after {} ms; leaving them", Loops.STOP_TIMEOUT_MILLIS);
        }
    }

    /**
     * Settings of a {@link ThreadedServer}.
     */
    public static final class Builder {

        private final String bind;

        private final RequestHandler handler;

        private int threads = 4;

        private long maxMessageSize = 1024 * 1024;

        private int maxFrames = 1024;

        private PirateListener listener = PirateListener.NONE;

        private String name = "server";

        private ServerSecurity security;

        private boolean exposeExceptionDetails;

        private Builder(String bind, RequestHandler handler) {
            this.bind = Objects.requireNonNull(bind, "bind");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * Sets how many requests are served at once, one thread each (default 4).
         * @param threads at least 1
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = Checks.atLeast(threads, 1, "threads");
            return this;
        }

        /**
         * Sets the largest request accepted, all frames together (default 1 MiB). Larger requests
         * are dropped and counted; a single larger frame makes ZeroMQ drop the connection.
         * @param bytes at least 64
         * @return this builder
         */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = Checks.bytesAtLeast(bytes, 64, "maxMessageSize");
            return this;
        }

        /**
         * Sets the most frames a request may have, routing id and delimiter included (default 1024).
         * @param frames at least 3
         * @return this builder
         */
        public Builder maxFrames(int frames) {
            this.maxFrames = Checks.atLeast(frames, 3, "maxFrames");
            return this;
        }

        /**
         * Sets the listener; its exceptions are logged, never thrown into the server's threads.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.listener = CompositeListener.guard(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the name the events and error replies carry (default {@code server}).
         * @param name a short fixed name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Makes the server a CURVE server: clients must know its public key and use a key the
         * security allows (default: none, plain text).
         * @param security the server settings, or {@code null} for none
         * @return this builder
         */
        public Builder security(ServerSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Sets whether the error reply to a handler that threw names the exception's class (default
         * {@code false}: the message alone; the server logs the whole exception either way).
         * @param expose {@code true} to include the class name
         * @return this builder
         */
        public Builder exposeExceptionDetails(boolean expose) {
            this.exposeExceptionDetails = expose;
            return this;
        }

        /**
         * Builds the server.
         * @return the server, not yet started
         * @throws IllegalArgumentException if {@code bind} is not a ZeroMQ endpoint
         */
        public ThreadedServer build() {
            return new ThreadedServer(checked());
        }

        private Builder checked() {
            Endpoints.check(this.bind, "bind");
            return this;
        }
    }
}
