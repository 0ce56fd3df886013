package dev.pirate.support;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger logger = LoggerFactory.getLogger(Sockets.class);

    private static final long CLOSE_TIMEOUT_MILLIS = 2000;

    private enum IoTrouble {
        HANDLER_THREW
    }

    private static final RateLimitedLog<IoTrouble> ioTrouble = new RateLimitedLog<>(logger, RateLimitedLog.Level.ERROR,
            IoTrouble.class);

    private Sockets() {
    }

    /**
     * Watches the I/O threads of a context, before its first socket starts them. A thread that dies
     * (an {@link OutOfMemoryError} while decoding, say) leaves every socket of the context deaf, so
     * its death is handed to {@code onDeath}, which must stop the component that owns the context.
     * An exception the I/O thread survives (JeroMQ catches it per event) is logged, rate-limited.
     * @param context a context with no socket yet
     * @param onDeath told, on the dying thread, what killed it
     */
    public static void watchIoThreads(ZContext context, Consumer<Throwable> onDeath) {
        context.setUncaughtExceptionHandler((thread, ex) -> onDeath
                .accept(new IllegalStateException("ZeroMQ I/O thread " + thread.getName() + " died: " + ex, ex)));
        context.setNotificationExceptionHandler((thread, ex) -> ioTrouble.log(IoTrouble.HANDLER_THREW,
                "ZeroMQ I/O thread {} survived an exception", thread.getName(), ex));
    }

    /**
     * Closes a context without ever hanging the caller: a context whose I/O thread died cannot finish
     * its termination handshake, so the close runs on a daemon thread that is given two seconds.
     * @param context the context to close
     */
    public static void close(ZContext context) {
        Thread closer = new Thread(context::close, "pirate-context-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_TIMEOUT_MILLIS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            logger.error("ZeroMQ context did not close within {} ms (a dead I/O thread?); leaving it",
                    CLOSE_TIMEOUT_MILLIS);
        }
    }

    /**
     * Bounds what a socket that accepts outside input can make ZeroMQ hold: every frame at most
     * {@code maxMessageSize} ({@code MAXMSGSIZE}: a larger frame makes ZeroMQ drop the connection),
     * and the unread frames of all its connections together at most {@code budgetBytes}
     * ({@link InboundBudget}). Call before bind or connect; read the socket with a {@link FrameBuffer}.
     * @param socket the socket
     * @param maxMessageSize the largest frame, and the largest message the owner keeps
     * @param budgetBytes the bytes of unread frames the socket may hold
     */
    public static void limitInbound(ZMQ.Socket socket, long maxMessageSize, long budgetBytes) {
        int maxFrame = (int) Math.min(maxMessageSize, Integer.MAX_VALUE - 8);
        socket.setMaxMsgSize(maxFrame);
        socket.setMsgAllocator(new InboundBudget(budgetBytes, maxFrame));
    }

    /**
     * Returns the default inbound budget of one socket for this JVM.
     * @return an eighth of the maximum heap, between 8 MiB and 128 MiB
     */
    public static long defaultInboundBudget() {
        long eighth = Runtime.getRuntime().maxMemory() / 8;
        return Math.max(8L << 20, Math.min(128L << 20, eighth));
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
