package dev.pirate.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.Sockets;

/**
 * MDP spoken by hand on bare sockets, for benchmarks that must not time Pirate's client or worker
 * engines: multipart sends, worker registration, and waiting for the broker to see it all.
 */
final class BareMdp {

    /** Longest wait for one message on a benchmark socket before the run is declared broken. */
    static final int RECEIVE_TIMEOUT_MILLIS = 5000;

    /** The broker republishes its snapshot every 100 ms; looking more often gains nothing. */
    private static final long SNAPSHOT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private BareMdp() {
    }

    /**
     * Creates a context with one I/O thread for a given number of sockets: JeroMQ refuses a
     * context's 1024th socket unless told otherwise before the first.
     */
    static ZContext context(int sockets) {
        ZContext context = new ZContext(1);
        context.getContext().setMaxSockets(Math.max(sockets, context.getContext().getMaxSockets()));
        return context;
    }

    /** Sends the frames as one multipart message. */
    static void send(ZMQ.Socket socket, byte[]... frames) {
        int last = frames.length - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(frames[i], (i < last) ? ZMQ.SNDMORE : 0);
        }
    }

    /**
     * Opens a DEALER to the broker and registers it as a worker with READY.
     * @return the socket, owned by the calling thread
     */
    static ZMQ.Socket readyWorker(ZContext context, String endpoint, byte[] service) {
        ZMQ.Socket socket = dealer(context, endpoint);
        send(socket, Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.READY.frame(), service);
        return socket;
    }

    /** Opens a DEALER to the broker with LINGER 0 and the benchmark's receive timeout. */
    static ZMQ.Socket dealer(ZContext context, String endpoint) {
        ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER);
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        socket.connect(endpoint);
        return socket;
    }

    /**
     * Polls the broker's published snapshot until the condition holds.
     * @param what what is awaited, for the failure message
     * @param alive checked on every poll, so a dead helper process fails the wait at once
     * @return the snapshot that satisfied the condition
     * @throws IllegalStateException if the timeout passes first, or {@code alive} turns false
     */
    static BrokerSnapshot await(MajordomoBroker broker, Predicate<BrokerSnapshot> condition, Duration timeout,
            String what, BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            BrokerSnapshot snapshot = broker.snapshot();
            if (condition.test(snapshot)) {
                return snapshot;
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("Gave up waiting for " + what + ": a helper ended; broker: "
                        + summary(snapshot));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("No " + what + " within " + timeout.toSeconds() + " s; broker: "
                        + summary(snapshot));
            }
            LockSupport.parkNanos(SNAPSHOT_POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what);
            }
        }
    }

    /** The counts of a snapshot, not its possibly thousand service entries. */
    static String summary(BrokerSnapshot snapshot) {
        return "running=" + snapshot.running() + ", services=" + snapshot.services().size() + ", workers="
                + snapshot.workers();
    }
}
