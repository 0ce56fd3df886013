package dev.pirate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.event.PirateListener;
import dev.pirate.protocol.ErrorReply;
import dev.pirate.support.Checks;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Loops;
import dev.pirate.support.Sockets;
import dev.pirate.worker.RequestHandler;

/**
 * The Guide's multi-threaded service: a ROUTER on the public endpoint, a DEALER on an
 * {@code inproc://} endpoint, and N threads each with its own REP socket, so a plain REQ/REP service
 * serves N requests at once behind one endpoint. Lazy Pirate clients talk to it like to any REP
 * server.
 */
public final class ThreadedServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ThreadedServer.class);

    private static final int MAX_WAIT_MILLIS = 100;

    private final String bind;

    private final int threads;

    private final RequestHandler handler;

    private final PirateListener listener;

    private final String name;

    private final ZContext context = new ZContext(1);

    private final String inproc = "inproc://pirate-server-" + UUID.randomUUID();

    private final List<Thread> workers = new ArrayList<>();

    private final CountDownLatch proxyStarted = new CountDownLatch(1);

    private volatile boolean running;

    private volatile String endpoint;

    private volatile RuntimeException startFailure;

    private Thread proxy;

    /**
     * Creates a server.
     * @param bind the endpoint to bind, e.g. {@code tcp://*:5555} or {@code tcp://127.0.0.1:*}
     * @param threads how many requests are served at once
     * @param handler the handler, called from all threads at once
     * @param listener receives {@code workerRequestCompleted} events under {@code name}
     * @param name the name the events carry
     */
    public ThreadedServer(String bind, int threads, RequestHandler handler, PirateListener listener, String name) {
        Checks.atLeast(threads, 1, "threads");
        this.bind = Objects.requireNonNull(bind, "bind");
        this.threads = threads;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Binds and starts the proxy and worker threads.
     */
    public synchronized void start() {
        this.running = true;
        this.proxy = new Thread(this::proxy, "pirate-server-proxy");
        this.proxy.start();
        Loops.awaitUninterruptibly(this.proxyStarted);
        if (this.startFailure != null) {
            throw this.startFailure;
        }
        for (int i = 1; i <= this.threads; i++) {
            Thread worker = new Thread(this::serve, "pirate-server-" + i);
            this.workers.add(worker);
            worker.start();
        }
    }

    private void proxy() {
        ZMQ.Socket front;
        ZMQ.Socket back;
        try {
            front = Sockets.create(this.context, SocketType.ROUTER);
            front.bind(this.bind);
            this.endpoint = front.getLastEndpoint();
            back = Sockets.create(this.context, SocketType.DEALER);
            back.bind(this.inproc);
        }
        catch (RuntimeException ex) {
            this.startFailure = new IllegalStateException("Cannot bind server to " + this.bind + ": " + ex.getMessage(),
                    ex);
            this.proxyStarted.countDown();
            return;
        }
        logger.info("Threaded server on {} with {} threads", this.endpoint, this.threads);
        this.proxyStarted.countDown();
        FrameBuffer frames = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);
        try (ZMQ.Poller poller = this.context.createPoller(2)) {
            poller.register(front, ZMQ.Poller.POLLIN);
            poller.register(back, ZMQ.Poller.POLLIN);
            while (this.running) {
                poller.poll(MAX_WAIT_MILLIS);
                // Never block the proxy: a request no worker can take is dropped and the client retries.
                if (poller.pollin(0)) {
                    while (frames.receiveNow(front)) {
                        frames.sendFromNow(back, 0);
                    }
                }
                if (poller.pollin(1)) {
                    while (frames.receiveNow(back)) {
                        frames.sendFromNow(front, 0);
                    }
                }
            }
        }
    }

    private void serve() {
        ZMQ.Socket rep = Sockets.create(this.context, SocketType.REP);
        rep.setReceiveTimeOut(MAX_WAIT_MILLIS);
        rep.connect(this.inproc);
        FrameBuffer frames = new FrameBuffer(Long.MAX_VALUE, Integer.MAX_VALUE);
        try {
            while (this.running) {
                if (!frames.receive(rep)) {
                    continue;
                }
                long start = System.nanoTime();
                List<byte[]> reply;
                boolean success;
                try {
                    reply = this.handler.handle(List.of(frames.copyFrom(0)));
                    success = reply != null && !reply.isEmpty();
                    if (!success) {
                        reply = ErrorReply.body(this.name + ": handler returned no reply frames");
                    }
                }
                catch (Exception ex) {
                    logger.warn("Handler of '{}' failed", this.name, ex);
                    reply = ErrorReply.body(this.name + ": " + ex);
                    success = false;
                }
                this.listener.workerRequestCompleted(this.name, success, System.nanoTime() - start);
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
     * Stops every thread after the request in hand (waiting at most 5 s), then closes the context.
     */
    @Override
    public void close() {
        this.running = false;
        List<Thread> all = new ArrayList<>(this.workers);
        if (this.proxy != null) {
            all.add(this.proxy);
        }
        long deadline = System.currentTimeMillis() + Loops.STOP_TIMEOUT_MILLIS;
        boolean clean = true;
        for (Thread thread : all) {
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            clean &= !thread.isAlive();
        }
        if (clean) {
            this.context.close();
        }
        else {
            logger.error("Server threads still busy after {} ms; leaving them", Loops.STOP_TIMEOUT_MILLIS);
        }
    }
}
