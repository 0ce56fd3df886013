package dev.pirate.cli.bench;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * A plain JeroMQ ROUTER/DEALER forwarder on a free loopback port, on its own thread and context, in
 * front of another endpoint: the shape of a broker with none of its work, so REQ clients through it
 * cross four hops, as brokered requests do. Messages pass frame by frame, untouched.
 */
final class RawProxy extends ServerThread {

    private final ZMQ.Socket frontend;

    private final ZMQ.Socket backend;

    private final ZMQ.Poller poller;

    private final String endpoint;

    private RawProxy(String backendEndpoint) {
        super("pirate-bench-proxy");
        this.frontend = Sockets.create(this.context, SocketType.ROUTER);
        this.frontend.bind("tcp://127.0.0.1:*");
        this.backend = Sockets.create(this.context, SocketType.DEALER);
        this.backend.connect(backendEndpoint);
        this.poller = this.context.createPoller(2);
        this.poller.register(this.frontend, ZMQ.Poller.POLLIN);
        this.poller.register(this.backend, ZMQ.Poller.POLLIN);
        // Read now: once the thread starts, the sockets are its own.
        this.endpoint = this.frontend.getLastEndpoint();
        startThread();
    }

    /**
     * Starts a forwarder in front of the given endpoint.
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

    @Override
    void serveOnce() {
        if (this.poller.poll(POLL_MILLIS) <= 0) {
            return;
        }
        if (this.poller.pollin(0)) {
            forward(this.frontend, this.backend);
        }
        if (this.poller.pollin(1)) {
            forward(this.backend, this.frontend);
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
    void afterStop() {
        this.poller.close();
    }
}
