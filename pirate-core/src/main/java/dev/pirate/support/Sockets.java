package dev.pirate.support;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Creates sockets with the options every Pirate socket needs.
 */
public final class Sockets {

    /**
     * Longest time a new connection may take to complete the ZMTP handshake before ZeroMQ drops it
     * and reconnects. JeroMQ 0.6.0 leaves about 1 to 6 % of fresh connections stalled in their
     * handshake on the connecting side (its I/O poller can reuse a cancelled selection key for the
     * new engine: zeromq/jeromq pull request 1022); with the library's default of 30 s such a worker
     * or client is deaf for half a minute. One second recovers it quickly and is still generous for
     * a handshake over a real network.
     */
    public static final int HANDSHAKE_MILLIS = 1000;

    private Sockets() {
    }

    /**
     * Creates a socket with LINGER 0 (closing never blocks) and a short handshake interval.
     * @param context the context that owns the socket
     * @param type the socket type
     * @return the socket, not yet bound or connected
     */
    public static ZMQ.Socket create(ZContext context, SocketType type) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        socket.setHandshakeIvl(HANDSHAKE_MILLIS);
        return socket;
    }
}
