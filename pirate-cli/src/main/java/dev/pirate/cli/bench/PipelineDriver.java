package dev.pirate.cli.bench;

import java.time.Duration;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * Keeps C requests in flight on one DEALER socket: sends until C are outstanding, then one more
 * for each echo that returns. The ceiling of a single ZeroMQ hop, with no broker and no Pirate code
 * on the path.
 * <p>
 * A ROUTER echo answers one connection in order, so replies return in the order sent and a ring of
 * send times is enough to time each one. Runs on the calling thread, which owns the socket.
 */
final class PipelineDriver implements LoadDriver {

    private final ZMQ.Socket socket;

    private final Payload payload;

    private final long[] started;

    /**
     * Connects the DEALER socket.
     * @param context the context to create it in
     * @param endpoint the ROUTER echo's endpoint
     * @param payload the request body
     * @param concurrency requests in flight
     * @param timeout how long to wait for any reply before the rest count as failed
     */
    PipelineDriver(ZContext context, String endpoint, Payload payload, int concurrency, Duration timeout) {
        this.socket = Sockets.create(context, SocketType.DEALER);
        this.socket.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        // The default high-water mark of 1000 would block sends beyond 1000 in flight.
        this.socket.setSndHWM(Math.max(1000, concurrency));
        this.socket.setRcvHWM(Math.max(1000, concurrency));
        this.socket.connect(endpoint);
        this.payload = payload;
        this.started = new long[concurrency];
    }

    @Override
    public void run(Schedule schedule, Outcomes outcomes) {
        int concurrency = this.started.length;
        long sent = 0;
        long received = 0;
        boolean more = true;
        while (more || received < sent) {
            while (more && sent - received < concurrency) {
                long intended = schedule.next();
                if (intended < 0) {
                    more = false;
                }
                else {
                    this.socket.send(this.payload.body(), 0);
                    this.started[(int) (sent++ % concurrency)] = intended;
                }
            }
            if (received == sent) {
                break;
            }
            byte[] reply = this.socket.recv(0);
            try {
                this.payload.checkEcho(reply);
            }
            catch (IllegalStateException ex) {
                // A lost reply leaves the ring out of step: every request still in flight counts as failed.
                for (; received < sent; received++) {
                    outcomes.failure(ex);
                }
                schedule.cancel();
                more = false;
                continue;
            }
            outcomes.success(System.nanoTime() - this.started[(int) (received++ % concurrency)]);
        }
    }

    @Override
    public void close() {
        this.socket.close();
    }
}
