package dev.pirate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.FrameBuffer;
import dev.pirate.support.Sockets;

/**
 * The control for the workers curve: a plain ROUTER, in a context of its own as the broker's is,
 * hands requests round-robin to N connected DEALERs and reads their replies, with the frames a
 * broker and its workers exchange but no broker and no Pirate code. Whatever this loses as N grows
 * is the cost of spreading traffic over more connections (JeroMQ pipes and engines, kernel sockets,
 * caches), not of the broker's maps and lists. One thread drives every socket.
 */
final class RotationWithoutBroker implements AutoCloseable {

    private static final byte[] CLIENT = { 0, 1, 2, 3, 4 };

    private final ZContext routerContext = new ZContext(1);

    private final ZContext dealerContext;

    private final ZMQ.Socket router;

    private final ZMQ.Socket[] dealers;

    private final byte[][] identities;

    private final FrameBuffer frames = new FrameBuffer(64 * 1024, 64);

    private final ThreadCpu routerIoThread;

    private int next;

    RotationWithoutBroker(int connections) {
        this.dealerContext = BareMdp.context(connections);
        Set<Long> before = ThreadCpu.liveThreads();
        // The first socket starts the context's threads; the DEALERs' context starts its own later.
        this.router = Sockets.create(this.routerContext, SocketType.ROUTER);
        this.routerIoThread = ThreadCpu.startedSince(before, "iothread-");
        this.router.setReceiveTimeOut(BareMdp.RECEIVE_TIMEOUT_MILLIS);
        this.router.bind("tcp://127.0.0.1:*");
        String endpoint = this.router.getLastEndpoint();
        this.dealers = new ZMQ.Socket[connections];
        this.identities = new byte[connections][];
        for (int i = 0; i < connections; i++) {
            this.identities[i] = ("w" + i).getBytes(StandardCharsets.US_ASCII);
            this.dealers[i] = Sockets.create(this.dealerContext, SocketType.DEALER);
            this.dealers[i].setIdentity(this.identities[i]);
            this.dealers[i].setReceiveTimeOut(BareMdp.RECEIVE_TIMEOUT_MILLIS);
            this.dealers[i].connect(endpoint);
            // The ROUTER can address a peer only once its handshake is done; a greeting tells when.
            BareMdp.send(this.dealers[i], Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.READY.frame());
        }
        for (int i = 0; i < connections; i++) {
            receive(this.router);
        }
    }

    /** The I/O thread of the ROUTER's context, the counterpart of the broker's. */
    ThreadCpu routerIoThread() {
        return this.routerIoThread;
    }

    /** Sends {@code count} requests to the next connections in turn, serves them, reads the replies. */
    byte[] round(int count, byte[] body) {
        int first = this.next;
        for (int i = 0; i < count; i++) {
            BareMdp.send(this.router, this.identities[this.next], Mdp.EMPTY, Mdp.WORKER_HEADER,
                    MdpCommand.REQUEST.frame(), CLIENT, Mdp.EMPTY, body);
            this.next = (this.next + 1) % this.dealers.length;
        }
        for (int i = 0, d = first; i < count; i++, d = (d + 1) % this.dealers.length) {
            ZMQ.Socket dealer = this.dealers[d];
            receive(dealer);
            BareMdp.send(dealer, Mdp.EMPTY, Mdp.WORKER_HEADER, MdpCommand.REPLY.frame(), this.frames.get(3),
                    Mdp.EMPTY, this.frames.get(5));
        }
        byte[] last = null;
        for (int i = 0; i < count; i++) {
            receive(this.router);
            last = this.frames.get(this.frames.size() - 1);
        }
        return last;
    }

    private void receive(ZMQ.Socket socket) {
        if (!this.frames.receive(socket)) {
            throw new IllegalStateException("A message was lost between the ROUTER and its DEALERs");
        }
    }

    @Override
    public void close() {
        this.dealerContext.close();
        this.routerContext.close();
    }
}
