package dev.pirate.cli.bench;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * A plain JeroMQ echo on a free loopback port, on its own thread and context: a ROUTER (whose
 * identity frame goes back first, so the echo returns to its sender) or a REP socket. It sends each
 * frame back as it arrives, the least work a ZeroMQ server can do per message.
 */
final class EchoServer extends ServerThread {

    private final ZMQ.Socket socket;

    private final String endpoint;

    private EchoServer(SocketType type) {
        super("pirate-bench-echo");
        this.socket = Sockets.create(this.context, type);
        this.socket.setReceiveTimeOut(POLL_MILLIS);
        // Above any pipeline a benchmark allows: a ROUTER drops what it cannot queue, silently.
        this.socket.setSndHWM(100_000);
        this.socket.setRcvHWM(100_000);
        this.socket.bind("tcp://127.0.0.1:*");
        // Read now: once the thread starts, the socket is its own.
        this.endpoint = this.socket.getLastEndpoint();
        startThread();
    }

    /**
     * Binds and starts an echo.
     * @param type {@link SocketType#ROUTER} or {@link SocketType#REP}
     * @return the running echo
     */
    static EchoServer start(SocketType type) {
        return new EchoServer(type);
    }

    /**
     * Returns the bound endpoint.
     * @return for example {@code tcp://127.0.0.1:40123}
     */
    String endpoint() {
        return this.endpoint;
    }

    @Override
    void serveOnce() {
        byte[] frame = this.socket.recv(0);
        if (frame == null) {
            return;
        }
        boolean more = this.socket.hasReceiveMore();
        this.socket.send(frame, more ? ZMQ.SNDMORE : 0);
        while (more) {
            frame = this.socket.recv(0);
            more = this.socket.hasReceiveMore();
            this.socket.send(frame, more ? ZMQ.SNDMORE : 0);
        }
    }
}
