package dev.pirate.client;

import org.zeromq.ZMQ;

/**
 * Where an {@link Exchange} takes its sockets from and gives them back to.
 */
interface SocketPool {

    /** Returns an idle socket connected to the endpoint, or a new one. */
    ZMQ.Socket borrow();

    /** Takes back a socket whose exchange completed cleanly: nothing more will arrive on it. */
    void release(ZMQ.Socket socket);

    /** Closes a socket that may still receive a late reply (LINGER 0). */
    void discard(ZMQ.Socket socket);
}
