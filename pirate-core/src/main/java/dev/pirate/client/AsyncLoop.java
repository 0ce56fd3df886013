package dev.pirate.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.FrameBuffer;

/**
 * The asynchronous driver: one I/O thread, one socket per request in flight, O(1) work per reply.
 * <p>
 * Each socket's notification channel ({@code ZMQ_FD}) is registered once with a
 * {@link Selector}, with the exchange it serves attached, so a wake-up visits only the sockets that
 * have something to read instead of polling every request in flight. Callers hand requests over
 * through a queue and wake the thread by writing to a {@link Pipe}. Deadlines sit in a priority
 * queue. As ZeroMQ requires of {@code ZMQ_FD} users, every socket is drained until it would block,
 * and checked with {@code ZMQ_EVENTS} after each send, since a send may consume the notification of
 * a message that already arrived.
 */
final class AsyncLoop implements SocketPool, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(AsyncLoop.class);

    private static final int MAX_IDLE_SOCKETS = 256;

    private final ClientEngine engine;

    private final ConcurrentLinkedQueue<Exchange> submitted = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private final Pipe pipe;

    private final Selector selector;

    private final Thread thread;

    /** Selection keys of every socket this loop owns, in use or idle; loop thread only. */
    private final Map<ZMQ.Socket, SelectionKey> keys = new IdentityHashMap<>();

    private final ArrayDeque<ZMQ.Socket> idle = new ArrayDeque<>();

    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();

    private final FrameBuffer frames;

    private final Set<Exchange> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    private volatile boolean running = true;

    AsyncLoop(ClientEngine engine, ZContext context, String threadName) {
        this.engine = engine;
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
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    CompletableFuture<List<byte[]>> submit(String target, List<byte[]> body, CallOptions options) {
        Exchange exchange = new Exchange(this.engine, this, target, body, options);
        this.submitted.add(exchange);
        wakeUp();
        return exchange.future;
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
        ByteBuffer drain = ByteBuffer.allocate(64);
        try {
            while (this.running) {
                this.selector.select(selectTimeoutMillis());
                Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    if (key.attachment() instanceof Exchange exchange) {
                        drainReplies(exchange);
                    }
                    else if (key.channel() == this.pipe.source()) {
                        drainPipe(drain);
                    }
                }
                takeSubmitted();
                expireDeadlines();
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.error("Client I/O thread failed", ex);
        }
        finally {
            shutDown();
        }
    }

    /** Reads every message waiting on the exchange's socket; a socket is drained until it would block. */
    private void drainReplies(Exchange exchange) {
        ZMQ.Socket socket = exchange.socket();
        while (socket != null && this.frames.receiveNow(socket)) {
            boolean done = exchange.onMessage(this.frames);
            if (done) {
                this.inFlight.remove(exchange);
                return;
            }
            if (exchange.socket() != socket) {
                track(exchange);
                return;
            }
        }
    }

    private void takeSubmitted() {
        Exchange exchange;
        while ((exchange = this.submitted.poll()) != null) {
            exchange.begin();
            this.inFlight.add(exchange);
            track(exchange);
        }
    }

    /**
     * Attaches the exchange to its current socket's key, notes its deadline, and reads what may have
     * arrived while it sent.
     */
    private void track(Exchange exchange) {
        ZMQ.Socket socket = exchange.socket();
        this.keys.get(socket).attach(exchange);
        this.deadlines.add(new Deadline(exchange, exchange.deadlineNanos()));
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
            if (exchange.onTimeout()) {
                this.inFlight.remove(exchange);
            }
            else {
                track(exchange);
            }
        }
    }

    private long selectTimeoutMillis() {
        Deadline next = this.deadlines.peek();
        if (next == null) {
            return 0;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(next.nanos - System.nanoTime()) + 1;
        return Math.max(1, millis);
    }

    private void drainPipe(ByteBuffer drain) throws IOException {
        // Clear the flag first: a submit that races with the drain then writes again.
        this.wakeupPending.set(false);
        while (this.pipe.source().read(drain.clear()) > 0) {
            // keep reading until the pipe is empty
        }
    }

    /** Takes an idle socket and, like the synchronous pool, keeps one connected spare ready. */
    @Override
    public ZMQ.Socket borrow() {
        ZMQ.Socket socket = this.idle.pollFirst();
        if (socket == null) {
            socket = openRegistered();
        }
        if (this.idle.isEmpty()) {
            this.idle.addFirst(openRegistered());
        }
        return socket;
    }

    private ZMQ.Socket openRegistered() {
        ZMQ.Socket socket = this.engine.openSocket();
        try {
            this.keys.put(socket, socket.getFD().register(this.selector, SelectionKey.OP_READ));
        }
        catch (ClosedChannelException ex) {
            throw new IllegalStateException("Socket closed while registering", ex);
        }
        return socket;
    }

    @Override
    public void release(ZMQ.Socket socket) {
        this.keys.get(socket).attach(null);
        if (this.idle.size() < MAX_IDLE_SOCKETS) {
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

    private void shutDown() {
        for (Exchange exchange : List.copyOf(this.inFlight)) {
            exchange.abort();
        }
        Exchange exchange;
        while ((exchange = this.submitted.poll()) != null) {
            exchange.abort();
        }
        ZMQ.Socket socket;
        while ((socket = this.idle.pollFirst()) != null) {
            discard(socket);
        }
        try {
            this.selector.close();
        }
        catch (IOException ex) {
            logger.debug("Closing the selector failed", ex);
        }
    }

    @Override
    public void close() {
        this.running = false;
        wakeUp();
        try {
            this.thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        try {
            this.pipe.sink().close();
            this.pipe.source().close();
        }
        catch (IOException ex) {
            logger.debug("Closing the wake-up pipe failed", ex);
        }
    }

    /** A deadline in the queue; stale once its exchange completed or moved to a later attempt. */
    private record Deadline(Exchange exchange, long nanos) implements Comparable<Deadline> {

        @Override
        public int compareTo(Deadline other) {
            return Long.signum(this.nanos - other.nanos);
        }
    }
}
