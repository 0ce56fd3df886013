package dev.pirate.cli.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * A plain JeroMQ ROUTER/DEALER forwarder on a free loopback port, on its own thread and context, in
 * front of another endpoint: the shape of a broker with none of its work, so REQ clients through it
 * cross four hops, as brokered requests do. Messages pass frame by frame, untouched.
 */
final class RawProxy implements AutoCloseable {

    /** How often the loop looks at its stop flag; sockets are not interrupt-safe. */
    private static final int POLL_MILLIS = 100;

    private final ZContext context = new ZContext(1);

    private final ZMQ.Socket frontend;

    private final ZMQ.Socket backend;

    private final String endpoint;

    private final Thread thread;

    private volatile boolean running = true;

    private RawProxy(String backendEndpoint) {
        this.frontend = Sockets.create(this.context, SocketType.ROUTER);
        this.frontend.bind("tcp://127.0.0.1:*");
        this.backend = Sockets.create(this.context, SocketType.DEALER);
        this.backend.connect(backendEndpoint);
        // Read now: once the thread starts, the sockets are its own.
        this.endpoint = this.frontend.getLastEndpoint();
        this.thread = new Thread(this::run, "pirate-bench-proxy");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Binds a forwarder to the given endpoint and starts it.
     * @param backendEndpoint where requests go, e.g. a REP echo
     * @return the running forwarder
     */
    static RawProxy start(String backendEndpoint) {
        return new RawProxy(backendEndpoint);
    }

    /**
     * Returns the endpoint clients connect to.
     * @return for example {@code tcp://127.0.0.1:40123}
     */
    String endpoint() {
        return this.endpoint;
    }

    private void run() {
        try (ZMQ.Poller poller = this.context.createPoller(2)) {
            int front = poller.register(this.frontend, ZMQ.Poller.POLLIN);
            int back = poller.register(this.backend, ZMQ.Poller.POLLIN);
            while (this.running) {
                if (poller.poll(POLL_MILLIS) <= 0) {
                    continue;
                }
                if (poller.pollin(front)) {
                    forward(this.frontend, this.backend);
                }
                if (poller.pollin(back)) {
                    forward(this.backend, this.frontend);
                }
            }
        }
    }

    private static void forward(ZMQ.Socket from, ZMQ.Socket to) {
        boolean more;
        do {
            byte[] frame = from.recv(0);
            more = from.hasReceiveMore();
            to.send(frame, more ? ZMQ.SNDMORE : 0);
        }
        while (more);
    }

    @Override
    public void close() {
        this.running = false;
        try {
            this.thread.join();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        this.context.close();
    }
}
