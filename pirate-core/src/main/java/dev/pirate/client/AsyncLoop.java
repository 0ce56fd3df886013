package dev.pirate.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

import dev.pirate.support.FrameBuffer;
import dev.pirate.support.LoopThread;
import dev.pirate.support.Loops;
import dev.pirate.support.RateLimitedLog;

/**
 * The asynchronous driver: one I/O thread, one socket per request in flight, O(1) work per reply.
 * <p>
 * Each socket's notification channel ({@code ZMQ_FD}) is registered once with a
 * {@link Selector}, with the exchange it serves attached (or the socket itself while it is idle),
 * so a wake-up visits only the sockets that have something to read instead of polling every
 * request in flight. Callers hand requests over through a queue and wake the thread by writing to a
 * {@link Pipe}. Deadlines, of attempts and of the pauses between them, sit in a priority queue. Futures are
 * completed on the client's callback executor, never here, so a slow continuation of one caller
 * cannot hold up the replies of the others. As ZeroMQ requires of {@code ZMQ_FD} users,
 * every socket is drained until it would block, and checked with {@code ZMQ_EVENTS} after each
 * send, since a send may consume the notification of a message that already arrived.
 * <p>
 * A failure while serving one request (a socket that cannot be opened, a send that throws) fails
 * that request's future only. If the loop dies anyway (an {@link Error}, a broken selector, a dead
 * ZeroMQ I/O thread), every request in flight and every later one fails at once with a
 * {@link PirateException} naming the cause, and the listener hears
 * {@link dev.pirate.event.PirateListener#loopFailed loopFailed}: a caller never waits on a future
 * that nothing will complete.
 */
final class AsyncLoop implements SocketPool, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(AsyncLoop.class);

    /** Most idle sockets kept for reuse; {@link ClientEngine} sizes the context's socket cap with it. */
    static final int MAX_IDLE_SOCKETS = 256;

    private enum Trouble {
        REQUEST_FAILED, STRAY_MESSAGE, SPARE_FAILED
    }

    private static final RateLimitedLog<Trouble> trouble = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Trouble.class);

    private final ClientEngine engine;

    private final String threadName;

    private final ConcurrentLinkedQueue<Submission> submitted = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private final Pipe pipe;

    private final Selector selector;

    private final LoopThread loop = new LoopThread();

    /** Selection keys of every socket this loop owns, in use or idle; loop thread only. */
    private final Map<ZMQ.Socket, SelectionKey> keys = new IdentityHashMap<>();

    private final ArrayDeque<ZMQ.Socket> idle = new ArrayDeque<>();

    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();

    private final FrameBuffer frames;

    /** Exchanges taken from the queue and not yet complete, with their target; loop thread only. */
    private final Map<Exchange, String> inFlight = new IdentityHashMap<>();

    /** The engine's connection epoch the loop last acted on; loop thread only. */
    private int seenConnectionEpoch;

    /** Set by {@link #close()}; the loop re-reads it after every wake-up. */
    private volatile boolean closing;

    /** Cleared when the loop shuts down; a submit that sees it cleared fails its request itself. */
    private volatile boolean accepting = true;

    /** What killed the loop, or {@code null} while it runs or if it was closed. */
    private volatile Throwable death;

    AsyncLoop(ClientEngine engine, String threadName) {
        this.engine = engine;
        this.threadName = threadName;
        this.seenConnectionEpoch = engine.connectionEpoch();
        this.frames = engine.newFrameBuffer();
        try {
            this.pipe = Pipe.open();
            this.pipe.source().configureBlocking(false);
            this.selector = Selector.open();
            this.pipe.source().register(this.selector, SelectionKey.OP_READ);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot open the client's selector", ex);
        }
        start();
    }

    /**
     * Starts the loop on a daemon thread, as ZeroMQ's own threads are, so a client the application
     * forgot to close does not keep the JVM alive.
     */
    private void start() {
        try {
            this.loop.startDaemon(this.threadName, this::run, this::died);
        }
        catch (RuntimeException ex) {
            closePipe();
            try {
                this.selector.close();
            }
            catch (IOException closeFailure) {
                logger.debug("Closing the selector failed", closeFailure);
            }
            throw ex;
        }
    }

    /**
     * Queues a request for the I/O thread. The caller holds one of the engine's in-flight permits,
     * which the loop gives back when the request ends, whichever way.
     */
    CompletableFuture<List<byte[]>> submit(String target, List<byte[]> body, CallOptions options, CallMeta meta) {
        if (!this.accepting) {
            // The loop is gone: the request fails before this returns, on the caller's thread, like
            // one past the in-flight limit; there is no I/O thread to keep continuations off.
            Exchange refused = new Exchange(this.engine, this, Runnable::run, target, body, options, meta);
            this.engine.requestEnded();
            end(refused, target);
            return refused.future;
        }
        Exchange exchange = new Exchange(this.engine, this, this.engine.callbackExecutor(), target, body, options,
                meta);
        this.submitted.add(new Submission(exchange, target));
        // Checked after queueing: either this caller sees the loop gone, or the loop's shut-down sees
        // the request in the queue; a request can never be left behind in a queue nobody reads.
        if (!this.accepting) {
            failSubmitted();
        }
        else {
            wakeUp();
        }
        return exchange.future;
    }

    /**
     * Ends the loop because it cannot go on (one of ZeroMQ's I/O threads died); the loop fails every
     * request and reports the cause.
     */
    void fail(Throwable cause) {
        this.loop.fail(cause);
        wakeUp();
    }

    /** Told by the engine that the broker's connection was lost (its epoch has moved on). */
    void connectionLost() {
        wakeUp();
    }

    private void wakeUp() {
        if (this.wakeupPending.compareAndSet(false, true)) {
            try {
                this.pipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
            }
            catch (IOException ex) {
                logger.error("Cannot wake the client I/O thread", ex);
            }
        }
    }

    private void run() {
        Throwable failure = null;
        try {
            this.loop.serving();
            ByteBuffer drain = ByteBuffer.allocate(64);
            while (this.loop.isRunning() && !this.closing) {
                turn(drain);
            }
        }
        catch (RuntimeException | Error ex) {
            // Kept for the shut-down below; LoopThread logs it at ERROR and calls died().
            failure = ex;
            throw ex;
        }
        finally {
            shutDown((failure != null) ? failure : this.loop.failure());
        }
    }

    private void died(Throwable cause) {
        this.engine.listener().loopFailed(this.threadName, cause);
    }

    private void turn(ByteBuffer drain) {
        try {
            this.selector.select(selectTimeoutMillis());
        }
        catch (IOException ex) {
            throw new UncheckedIOException("The client's selector failed", ex);
        }
        Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
        while (selected.hasNext()) {
            SelectionKey key = selected.next();
            selected.remove();
            if (!key.isValid()) {
                // Its socket was closed by an exchange handled earlier in this round.
                continue;
            }
            Object attachment = key.attachment();
            if (attachment instanceof Exchange exchange) {
                try {
                    drainReplies(exchange);
                }
                catch (RuntimeException ex) {
                    failOne(exchange, ex);
                }
            }
            else if (attachment instanceof ZMQ.Socket socket) {
                drainIdle(socket);
            }
            else if (key.channel() == this.pipe.source()) {
                drainPipe(drain);
            }
        }
        takeSubmitted();
        int epoch = this.engine.connectionEpoch();
        if (epoch != this.seenConnectionEpoch) {
            this.seenConnectionEpoch = epoch;
            giveUpLostAttempts();
        }
        expireDeadlines();
    }

    /**
     * Ends every exchange whose attempt was sent before the broker's connection was lost. Rare (a
     * broker died), so a pass over the requests in flight, copied first: ending one removes it.
     */
    private void giveUpLostAttempts() {
        for (Exchange exchange : List.copyOf(this.inFlight.keySet())) {
            if (!exchange.isAttemptLost()) {
                continue;
            }
            try {
                exchange.onConnectionLost();
                finished(exchange);
            }
            catch (RuntimeException ex) {
                failOne(exchange, ex);
            }
        }
    }

    /** Reads every message waiting on the exchange's socket; a socket is drained until it would block. */
    private void drainReplies(Exchange exchange) {
        ZMQ.Socket socket = exchange.socket();
        long deadline = exchange.deadlineNanos();
        while (socket != null && this.frames.receiveNow(socket)) {
            boolean done = exchange.onMessage(this.frames);
            if (done) {
                finished(exchange);
                return;
            }
            // A new socket, or a new wait on the same one (the first attempt after a negotiation answer).
            if (exchange.socket() != socket || exchange.deadlineNanos() != deadline) {
                track(exchange);
                return;
            }
        }
    }

    /**
     * Serves the key of a socket with no exchange. ZeroMQ's {@code ZMQ_FD} stays readable until the
     * socket processes its pending commands (a fresh connection's handshake leaves some), and only
     * {@code ZMQ_EVENTS} or a receive does that; without it the selector returns at once, forever,
     * and the idle thread spins. A message on an idle socket answers nothing in flight (a duplicate
     * reply): it is dropped here so the next exchange on this socket cannot take it for its own.
     */
    private void drainIdle(ZMQ.Socket socket) {
        while (this.frames.receiveNow(socket)) {
            trouble.log(Trouble.STRAY_MESSAGE, "Dropped a message from {} that arrived on an idle socket",
                    this.engine.endpoint());
        }
        socket.getEvents();
    }

    private void takeSubmitted() {
        Submission submission;
        while ((submission = this.submitted.poll()) != null) {
            Exchange exchange = submission.exchange;
            this.inFlight.put(exchange, submission.target);
            try {
                exchange.begin();
                track(exchange);
            }
            catch (RuntimeException ex) {
                failOne(exchange, ex);
            }
        }
    }

    /**
     * Notes the exchange's deadline and, unless it is pausing between attempts, attaches it to its
     * current socket's key and reads what may have arrived while it sent. A pause is only a deadline
     * in the queue: the thread never sleeps through one, and the exchange holds no socket during it.
     */
    private void track(Exchange exchange) {
        this.deadlines.add(new Deadline(exchange, exchange.deadlineNanos()));
        ZMQ.Socket socket = exchange.socket();
        if (socket == null) {
            return;
        }
        this.keys.get(socket).attach(exchange);
        if ((socket.getEvents() & ZMQ.Poller.POLLIN) != 0) {
            drainReplies(exchange);
        }
    }

    private void expireDeadlines() {
        long now = System.nanoTime();
        Deadline next;
        while ((next = this.deadlines.peek()) != null && now - next.nanos >= 0) {
            this.deadlines.poll();
            Exchange exchange = next.exchange;
            // Stale entries (completed exchanges, superseded attempts) are skipped, not searched for.
            if (exchange.isDone() || exchange.deadlineNanos() != next.nanos) {
                continue;
            }
            try {
                if (exchange.onTimeout()) {
                    finished(exchange);
                }
                else {
                    track(exchange);
                }
            }
            catch (RuntimeException ex) {
                failOne(exchange, ex);
            }
        }
    }

    /** An exchange completed on its own: forget it and give its in-flight permit back. */
    private void finished(Exchange exchange) {
        if (this.inFlight.remove(exchange) != null) {
            this.engine.requestEnded();
        }
    }

    /**
     * Fails one exchange whose handling threw, and only that one: its socket is closed (its state is
     * unknown) and the loop goes on serving the others.
     */
    private void failOne(Exchange exchange, RuntimeException cause) {
        String target = this.inFlight.remove(exchange);
        if (target == null) {
            return;
        }
        this.engine.requestEnded();
        trouble.log(Trouble.REQUEST_FAILED, "Request to '{}' at {} failed in the client I/O thread", target,
                this.engine.endpoint(), cause);
        if (exchange.isDone()) {
            ZMQ.Socket socket = exchange.socket();
            if (socket != null) {
                discard(socket);
            }
            return;
        }
        PirateException failure = new PirateException("Request to '" + target + "' at " + this.engine.endpoint()
                + " failed: " + cause, target, this.engine.endpoint());
        failure.initCause(cause);
        exchange.abort(failure);
    }

    private long selectTimeoutMillis() {
        Deadline next = this.deadlines.peek();
        if (next == null) {
            return 0;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(next.nanos - System.nanoTime()) + 1;
        return Math.max(1, millis);
    }

    private void drainPipe(ByteBuffer drain) {
        try {
            while (this.pipe.source().read(drain.clear()) > 0) {
                // keep reading until the pipe is empty
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the client's wake-up pipe", ex);
        }
        // Cleared after the read, never before: a caller's byte written between a clear and the read
        // would be swallowed with the flag left set, and every later wake-up (close() too) skipped.
        // A caller that finds the flag still set queued its work before this clear, and the loop reads
        // the queue and its closing flag after it.
        this.wakeupPending.set(false);
    }

    /** Takes an idle socket and, like the synchronous pool, keeps one connected spare ready. */
    @Override
    public ZMQ.Socket borrow() {
        ZMQ.Socket socket = this.idle.pollFirst();
        if (socket == null) {
            socket = openRegistered();
        }
        if (this.idle.isEmpty()) {
            try {
                this.idle.addFirst(openRegistered());
            }
            catch (RuntimeException ex) {
                // The spare only saves a retry its connection time; the request has its socket.
                trouble.log(Trouble.SPARE_FAILED, "Cannot open a spare socket to {}", this.engine.endpoint(), ex);
            }
        }
        return socket;
    }

    private ZMQ.Socket openRegistered() {
        ZMQ.Socket socket = this.engine.openSocket();
        try {
            this.keys.put(socket, socket.getFD().register(this.selector, SelectionKey.OP_READ, socket));
        }
        catch (ClosedChannelException | RuntimeException ex) {
            socket.close();
            throw new IllegalStateException("Cannot watch a new socket to " + this.engine.endpoint(), ex);
        }
        return socket;
    }

    @Override
    public void release(ZMQ.Socket socket) {
        if (this.idle.size() < MAX_IDLE_SOCKETS) {
            this.keys.get(socket).attach(socket);
            this.idle.addFirst(socket);
        }
        else {
            discard(socket);
        }
    }

    @Override
    public void discard(ZMQ.Socket socket) {
        SelectionKey key = this.keys.remove(socket);
        if (key != null) {
            key.cancel();
        }
        socket.close();
    }

    /**
     * Fails every request the loop holds and closes every socket it owns. Runs on the loop thread as
     * it ends, normally or not, so it must not throw: one request's trouble cannot strand the others.
     * @param cause what killed the loop, or {@code null} if it was closed
     */
    private void shutDown(Throwable cause) {
        this.death = cause;
        this.accepting = false;
        for (Exchange exchange : List.copyOf(this.inFlight.keySet())) {
            String target = this.inFlight.remove(exchange);
            this.engine.requestEnded();
            end(exchange, target);
        }
        failSubmitted();
        for (ZMQ.Socket socket : List.copyOf(this.keys.keySet())) {
            try {
                discard(socket);
            }
            catch (RuntimeException ex) {
                logger.debug("Closing a client socket failed", ex);
            }
        }
        this.idle.clear();
        try {
            this.selector.close();
        }
        catch (IOException ex) {
            logger.debug("Closing the selector failed", ex);
        }
    }

    /** Fails every queued request; called by the loop as it ends, or by a caller that found it gone. */
    private void failSubmitted() {
        Submission submission;
        while ((submission = this.submitted.poll()) != null) {
            this.engine.requestEnded();
            end(submission.exchange, submission.target);
        }
    }

    /**
     * Ends one exchange because the loop is gone: with the loop's cause if it died, else with the
     * exchange's own "client closed" failure. Never throws.
     */
    private void end(Exchange exchange, String target) {
        Throwable cause = this.death;
        try {
            if (cause != null) {
                exchange.abort(loopDied(target, cause));
            }
            else {
                exchange.abort();
            }
        }
        catch (RuntimeException | Error ex) {
            // A listener that throws an Error from here must not stop the other requests from failing.
            logger.error("Failing the request to '{}' at {} threw", target, this.engine.endpoint(), ex);
        }
    }

    private PirateException loopDied(String target, Throwable cause) {
        PirateException failure = new PirateException("The client I/O thread '" + this.threadName + "' died ("
                + cause + "); no reply to '" + target + "' at " + this.engine.endpoint() + " will come", target,
                this.engine.endpoint());
        failure.initCause(cause);
        return failure;
    }

    /**
     * Stops the loop, failing the requests still in flight; never waits longer than
     * {@link Loops#STOP_TIMEOUT_MILLIS}.
     */
    @Override
    public void close() {
        // The flag goes first, the wake-up second: the loop re-reads the flag after every wake-up.
        this.closing = true;
        wakeUp();
        this.loop.stop();
        closePipe();
    }

    private void closePipe() {
        try {
            this.pipe.sink().close();
            this.pipe.source().close();
        }
        catch (IOException ex) {
            logger.debug("Closing the wake-up pipe failed", ex);
        }
    }

    /** A request handed to the loop, with its target kept for error messages. */
    private record Submission(Exchange exchange, String target) {
    }

    /** A deadline in the queue; stale once its exchange completed or moved to a later attempt. */
    private record Deadline(Exchange exchange, long nanos) implements Comparable<Deadline> {

        @Override
        public int compareTo(Deadline other) {
            return Long.signum(this.nanos - other.nanos);
        }
    }
}
