package dev.pirate.benchmarks;

import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.FrameBuffer;

/**
 * Workers of one service on bare DEALER sockets that know which of them the broker picks next, so
 * that one thread can serve a thousand of them by blocking on exactly the right socket. Polling a
 * thousand sockets instead would cost the benchmark O(workers) per request and bend the very curve
 * it measures.
 * <p>
 * The broker hands each request to the head of the service's idle list and puts a worker back at
 * the tail when its reply comes in, in the same step in which it forwards that reply to the
 * client. So the order in which the client reads replies is the order in which workers rejoined
 * the list; every reply body starts with its worker's index, and a ring of indices mirrors the
 * broker's list exactly. The first order, that in which the READY messages happened to arrive, is
 * learnt the same way by {@link #learnOrder}.
 */
final class MirroredWorkers {

    private final ZMQ.Socket[] sockets;

    private final FrameBuffer frames = new FrameBuffer(64 * 1024, 64);

    /** The broker's idle list, head first, as worker indices. */
    private final int[] ring;

    private int head;

    private int size;

    MirroredWorkers(ZContext context, String endpoint, byte[] service, int count) {
        this.sockets = new ZMQ.Socket[count];
        this.ring = new int[count];
        for (int i = 0; i < count; i++) {
            this.sockets[i] = BareMdp.readyWorker(context, endpoint, service);
        }
    }

    int count() {
        return this.sockets.length;
    }

    /**
     * Learns the broker's idle order: one request per worker, so each worker gets exactly one
     * whatever the order, then the replies tell the order in which they rejoined. Call once every
     * worker is registered and idle.
     */
    void learnOrder(BareClient client, byte[] service, byte[] body) {
        int count = count();
        for (int i = 0; i < count; i++) {
            client.send(service, body);
        }
        for (int i = 0; i < count; i++) {
            serve(i);
            // Drained as we go, so a thousand replies never wait in a full pipe.
            for (byte[] reply = client.receiveNow(); reply != null; reply = client.receiveNow()) {
                rejoined(reply);
            }
        }
        while (this.size < count) {
            rejoined(client.receive());
        }
    }

    /**
     * Removes the head of the mirrored idle list.
     * @return the worker the broker hands its next request to
     */
    int next() {
        if (this.size == 0) {
            throw new IllegalStateException("The broker has no idle worker left for this service");
        }
        int worker = this.ring[this.head];
        this.head = (this.head + 1) % this.ring.length;
        this.size--;
        return worker;
    }

    /**
     * Receives the request waiting for a worker and replies with the request's body, its first four
     * bytes replaced by the worker's index: the worker's whole job.
     */
    void serve(int worker) {
        ZMQ.Socket socket = this.sockets[worker];
        if (!this.frames.receive(socket)) {
            throw new IllegalStateException("No request reached worker " + worker);
        }
        // REQUEST frames: empty, MDPW01, 0x02, client, empty, body.
        if (this.frames.size() != 6 || this.frames.get(2)[0] != MdpCommand.REQUEST.code()
                || this.frames.get(5).length < 4) {
            throw new IllegalStateException("Worker " + worker + " got something other than a request with a body of 4 bytes or more");
        }
        byte[] body = this.frames.get(5);
        writeIndex(body, worker);
        BareMdp.send(socket, Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.REPLY.frame(), this.frames.get(3), Mdp.EMPTY,
                body);
    }

    /** Appends the worker named by a reply body to the tail of the mirrored idle list. */
    void rejoined(byte[] replyBody) {
        int worker = readIndex(replyBody);
        if (worker < 0 || worker >= count() || this.size == count()) {
            throw new IllegalStateException("Reply from an unexpected worker " + worker);
        }
        this.ring[(this.head + this.size) % this.ring.length] = worker;
        this.size++;
    }

    private static void writeIndex(byte[] body, int index) {
        body[0] = (byte) (index >>> 24);
        body[1] = (byte) (index >>> 16);
        body[2] = (byte) (index >>> 8);
        body[3] = (byte) index;
    }

    private static int readIndex(byte[] body) {
        return ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
    }
}
