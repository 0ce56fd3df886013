package dev.pirate.client;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.event.PirateListener;
import dev.pirate.security.ClientSecurity;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Sockets;

/**
 * The Lazy Pirate engine behind {@link MajordomoClient} and {@link DirectClient}: a synchronous
 * driver that runs on the caller's thread with a pool of DEALER sockets to one endpoint, and an
 * asynchronous driver with one I/O thread and sockets of its own. Async futures complete on the
 * callback executor; a sync call's future completes on the calling thread, which is waiting for it.
 * <p>
 * Sockets move between threads only through the pool, a concurrent deque, which gives the
 * happens-before edge ZeroMQ asks for. A socket whose attempt timed out is closed (LINGER 0), never
 * pooled, so a late reply dies with it.
 * <p>
 * Requests in flight, sync and async together, are bounded by {@code maxInFlight}, and the
 * context's socket cap is sized from it: every request holds one socket, so the bound plus the
 * idle and spare sockets always fit, and the cap can never be hit inside the I/O thread.
 */
final class ClientEngine implements SocketPool, AutoCloseable {

    private static final int MAX_IDLE_SOCKETS = 64;

    /**
     * Sockets beyond the requests in flight and the two idle pools: the spare each pool opens, and
     * the few the synchronous pool may hold for a moment over its bound when threads race.
     */
    private static final int SPARE_SOCKETS = 16;

    /**
     * Longest single wait of a synchronous call on a watched engine: how late, at most, it notices
     * that the broker's connection was lost.
     */
    private static final int WATCHED_WAIT_SLICE_MILLIS = 100;

    private final String endpoint;

    private final Wire wire;

    private final PirateListener listener;

    private final CallOptions defaults;

    private final Executor callbackExecutor;

    private final String threadName;

    /** The client's own context, or its shadow of a context shared with other components. */
    private final ZContext context;

    private final ConcurrentLinkedDeque<ZMQ.Socket> idle = new ConcurrentLinkedDeque<>();

    private final AtomicInteger idleCount = new AtomicInteger();

    private final AtomicInteger syncCalls = new AtomicInteger();

    /** Requests in flight, sync and async; at most {@link #maxInFlight}. */
    private final AtomicInteger requests = new AtomicInteger();

    private final int maxInFlight;

    private final long maxMessageSize;

    /** CURVE settings of every socket, or {@code null} for plain text. */
    private final ClientSecurity security;

    private volatile boolean closed;

    /** Set when one of the context's ZeroMQ I/O threads died: no socket of the context works any more. */
    private volatile Throwable contextFailure;

    private volatile AsyncLoop asyncLoop;

    /** Set once a {@link BrokerWatch} tells this engine when its broker's connection is lost. */
    private volatile boolean watched;

    /** Counts the losses of the broker's connection; an attempt sent before the last one is lost. */
    private final AtomicInteger connectionEpoch = new AtomicInteger();

    ClientEngine(String endpoint, Wire wire, PirateListener listener, CallOptions defaults, Executor callbackExecutor,
            long maxMessageSize, String threadName, int maxInFlight, ZContext sharedContext,
            ClientSecurity security) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.security = security;
        this.wire = wire;
        this.listener = listener;
        this.defaults = defaults;
        this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        this.maxMessageSize = maxMessageSize;
        this.threadName = threadName;
        this.maxInFlight = maxInFlight;
        if (sharedContext != null) {
            // The shared context's owner sizes it and watches its I/O threads.
            this.context = ZContext.shadow(sharedContext);
        }
        else {
            this.context = new ZContext(1);
            // Both before the first socket: the cap sizes the context's slot table, the watcher its threads.
            this.context.getContext().setMaxSockets(socketCap(maxInFlight));
            Sockets.watchIoThreads(this.context, this::contextDied);
        }
    }

    /** One socket per request in flight, plus both idle pools and their spares. */
    static int socketCap(int maxInFlight) {
        long cap = (long) maxInFlight + AsyncLoop.MAX_IDLE_SOCKETS + MAX_IDLE_SOCKETS + SPARE_SOCKETS;
        return (int) Math.min(Integer.MAX_VALUE - 16, cap);
    }

    /**
     * Told by a dying ZeroMQ I/O thread of the context: by the engine's own watcher, or by the owner
     * of a shared context, which watches its I/O threads.
     */
    void contextDied(Throwable cause) {
        this.contextFailure = cause;
        AsyncLoop loop = this.asyncLoop;
        if (loop != null) {
            // The loop fails its requests and reports the cause as it ends.
            loop.fail(cause);
        }
        else {
            this.listener.loopFailed(this.threadName, cause);
        }
    }

    String endpoint() {
        return this.endpoint;
    }

    ZContext context() {
        return this.context;
    }

    ClientSecurity security() {
        return this.security;
    }

    /** From now on a {@link BrokerWatch} calls {@link #connectionLost()}; synchronous waits are sliced. */
    void watched() {
        this.watched = true;
    }

    int connectionEpoch() {
        return this.connectionEpoch.get();
    }

    /**
     * Told by the {@link BrokerWatch} that the connection to the broker closed: every attempt sent
     * before now gives up at once, the asynchronous ones on the I/O thread, the synchronous ones
     * within {@value #WATCHED_WAIT_SLICE_MILLIS} ms on their callers' threads.
     */
    void connectionLost() {
        this.connectionEpoch.incrementAndGet();
        AsyncLoop loop = this.asyncLoop;
        if (loop != null) {
            loop.connectionLost();
        }
    }

    boolean isCurve() {
        return this.security != null;
    }

    Wire wire() {
        return this.wire;
    }

    PirateListener listener() {
        return this.listener;
    }

    CallOptions defaults() {
        return this.defaults;
    }

    Executor callbackExecutor() {
        return this.callbackExecutor;
    }

    FrameBuffer newFrameBuffer() {
        return new FrameBuffer(this.maxMessageSize, Integer.MAX_VALUE);
    }

    List<byte[]> call(String target, List<byte[]> body, CallOptions options) {
        return call(target, body, options, null);
    }

    /**
     * Runs a call, or one attempt of a call that spans several brokers, on the caller's thread.
     * @param meta the identity and deadline of a call that began elsewhere, or {@code null} for a new call
     */
    List<byte[]> call(String target, List<byte[]> body, CallOptions options, CallMeta meta) {
        checkBody(body);
        this.syncCalls.incrementAndGet();
        boolean started = false;
        try {
            checkOpen();
            checkContext(target);
            if (!tryStartRequest()) {
                throw new PirateInFlightLimitException(target, this.endpoint, this.maxInFlight);
            }
            started = true;
            // Completed on this thread, which waits for it below.
            Exchange exchange = new Exchange(this, this, Runnable::run, target, body, options, meta);
            FrameBuffer frames = newFrameBuffer();
            exchange.begin();
            boolean done = false;
            while (!done) {
                long waitNanos = exchange.deadlineNanos() - System.nanoTime();
                ZMQ.Socket socket = exchange.socket();
                if (socket == null) {
                    done = pause(exchange, target, waitNanos);
                    continue;
                }
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
                socket.setReceiveTimeOut((int) (this.watched ? Math.min(waitMillis, WATCHED_WAIT_SLICE_MILLIS)
                        : waitMillis));
                if (frames.receive(socket)) {
                    done = exchange.onMessage(frames);
                }
                else if (exchange.isAttemptLost()) {
                    exchange.onConnectionLost();
                    done = true;
                }
                else if (System.nanoTime() - exchange.deadlineNanos() >= 0) {
                    done = exchange.onTimeout();
                }
            }
            return exchange.future.join();
        }
        catch (CompletionException ex) {
            throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
        }
        finally {
            if (started) {
                requestEnded();
            }
            if (this.syncCalls.decrementAndGet() == 0 && this.closed) {
                synchronized (this.syncCalls) {
                    this.syncCalls.notifyAll();
                }
            }
        }
    }

    /**
     * Waits out the exchange's pause between attempts, holding no socket, then lets it send again.
     * An interrupt ends the call rather than the pause alone: the caller asked to stop waiting.
     * @return {@code true} when the exchange is complete
     */
    private boolean pause(Exchange exchange, String target, long waitNanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            PirateException failure = new PirateException("Interrupted while waiting to send '" + target
                    + "' again", target, this.endpoint);
            failure.initCause(ex);
            exchange.abort(failure);
            return true;
        }
        return exchange.onTimeout();
    }

    /**
     * Hands a request to the I/O thread. Past the in-flight bound, or once the I/O thread (or the
     * context) died, the future fails at once instead of being queued.
     */
    CompletableFuture<List<byte[]>> callAsync(String target, List<byte[]> body, CallOptions options) {
        return callAsync(target, body, options, null);
    }

    /**
     * Hands a call, or one attempt of a call that spans several brokers, to the I/O thread.
     * @param meta the identity and deadline of a call that began elsewhere, or {@code null} for a new call
     */
    CompletableFuture<List<byte[]>> callAsync(String target, List<byte[]> body, CallOptions options, CallMeta meta) {
        checkBody(body);
        checkOpen();
        try {
            checkContext(target);
        }
        catch (PirateException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        if (!tryStartRequest()) {
            return CompletableFuture.failedFuture(new PirateInFlightLimitException(target, this.endpoint,
                    this.maxInFlight));
        }
        AsyncLoop loop;
        try {
            loop = asyncLoop();
        }
        catch (RuntimeException ex) {
            requestEnded();
            throw ex;
        }
        // From here the loop owns the permit and gives it back when the request ends.
        return loop.submit(target, body, options, meta);
    }

    private synchronized AsyncLoop asyncLoop() {
        checkOpen();
        if (this.asyncLoop == null) {
            this.asyncLoop = new AsyncLoop(this, this.threadName);
            Throwable cause = this.contextFailure;
            if (cause != null) {
                // An I/O thread died while the loop started, too late for the check in callAsync.
                this.asyncLoop.fail(cause);
            }
        }
        return this.asyncLoop;
    }

    /** Takes an in-flight permit unless {@link #maxInFlight} are taken. */
    private boolean tryStartRequest() {
        int current;
        do {
            current = this.requests.get();
            if (current >= this.maxInFlight) {
                return false;
            }
        }
        while (!this.requests.compareAndSet(current, current + 1));
        return true;
    }

    /** Gives back the permit of a request that ended, whichever way. */
    void requestEnded() {
        this.requests.decrementAndGet();
    }

    private void checkContext(String target) {
        Throwable cause = this.contextFailure;
        if (cause != null) {
            PirateException failure = new PirateException("The client for " + this.endpoint
                    + " cannot send to '" + target + "': a ZeroMQ I/O thread died (" + cause + ")", target,
                    this.endpoint);
            failure.initCause(cause);
            throw failure;
        }
    }

    private static void checkBody(List<byte[]> body) {
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("A request needs at least one body frame");
        }
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("Client for " + this.endpoint + " is closed");
        }
    }

    /**
     * Takes an idle socket, and keeps one connected spare in the pool: ZeroMQ connects in the
     * background, so the socket a retry takes has had a whole attempt's time to finish its handshake
     * (or to have a stalled one re-made) instead of starting cold.
     */
    @Override
    public ZMQ.Socket borrow() {
        ZMQ.Socket socket = this.idle.pollFirst();
        if (socket != null) {
            this.idleCount.decrementAndGet();
        }
        else {
            socket = openSocket();
        }
        if (this.idleCount.get() == 0 && !this.closed) {
            release(openSocket());
        }
        return socket;
    }

    /** Opens a new DEALER connected to the endpoint; the caller owns it. */
    ZMQ.Socket openSocket() {
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.DEALER);
        if (this.security != null) {
            this.security.applyTo(socket);
        }
        // A connection whose security handshake fails (a key the server refuses, CURVE on one side
        // only) loses its pipe, and a send would wait for one forever: it fails instead, and its
        // attempt times out as if the message were lost. A fresh socket's pipe never fills otherwise.
        socket.setSendTimeOut(0);
        try {
            socket.connect(this.endpoint);
        }
        catch (RuntimeException ex) {
            // A host name that does not resolve (yet: a broker pod not scheduled) fails here, every time.
            socket.close();
            throw ex;
        }
        return socket;
    }

    @Override
    public void release(ZMQ.Socket socket) {
        if (!this.closed && this.idleCount.incrementAndGet() <= MAX_IDLE_SOCKETS) {
            this.idle.offerFirst(socket);
        }
        else {
            this.idleCount.decrementAndGet();
            socket.close();
        }
    }

    @Override
    public void discard(ZMQ.Socket socket) {
        socket.close();
    }

    /**
     * Closes the client: pending async requests fail, synchronous calls in progress may finish within
     * the default request time, then every socket and the context are closed.
     */
    @Override
    public void close() {
        AsyncLoop loop;
        synchronized (this) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            loop = this.asyncLoop;
        }
        if (loop != null) {
            loop.close();
        }
        // The defaults' whole budget and one more timeout for the MMI probe.
        awaitSyncCalls(TimeUnit.NANOSECONDS.toMillis(this.defaults.budgetNanos()) + this.defaults.timeout().toMillis());
        ZMQ.Socket socket;
        while ((socket = this.idle.pollFirst()) != null) {
            socket.close();
        }
        this.context.close();
    }

    /** Sync callers own their sockets until they return; closing the context under them is unsafe. */
    private void awaitSyncCalls(long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        synchronized (this.syncCalls) {
            long left;
            while (this.syncCalls.get() > 0 && (left = deadline - System.currentTimeMillis()) > 0) {
                try {
                    this.syncCalls.wait(left);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
