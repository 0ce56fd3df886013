package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.protocol.ErrorReply;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.Sockets;

/**
 * A Pirate client on one bare DEALER, for scenarios that need control a normal caller would not
 * take: sending a flood before reading, or sending anything at all. Requests carry the extension
 * frame; every reply read is counted in the ledger under the client's group. One thread only.
 */
final class RawPirateClient implements AutoCloseable {

    /** A send that blocks this long (the pipe to the broker is full) is given up. */
    private static final int SEND_TIMEOUT_MILLIS = 10_000;

    private static final int POLL_MILLIS = 100;

    private final ZMQ.Socket socket;

    private final Ledger ledger;

    private final String group;

    private long received;

    /**
     * @param sendHighWaterMark messages queued towards the broker before a send blocks; a flood of
     * mebibyte bodies needs a small one, or the queue holds the flood in this JVM instead
     */
    RawPirateClient(ZContext context, String endpoint, Ledger ledger, String group, int sendHighWaterMark) {
        this.socket = Sockets.create(context, SocketType.DEALER);
        this.socket.setSndHWM(sendHighWaterMark);
        this.socket.setSendTimeOut(SEND_TIMEOUT_MILLIS);
        this.socket.setReceiveTimeOut(POLL_MILLIS);
        this.socket.connect(endpoint);
        this.ledger = ledger;
        this.group = group;
    }

    /**
     * Sends one request with a new id.
     * @return {@code true} if sent; {@code false} if the pipe stayed full, and the id is not issued
     */
    boolean request(String service, int bodySize) {
        long id = this.ledger.issue(this.group);
        boolean sent = send(Mdp.EMPTY, Mdp.CLIENT_HEADER, service.getBytes(StandardCharsets.US_ASCII),
                PirateExtension.PX_FRAME, Bodies.of(id, bodySize));
        if (!sent) {
            this.ledger.gaveUp(id, "send blocked " + SEND_TIMEOUT_MILLIS + " ms (HWM)");
        }
        return sent;
    }

    /**
     * Sends any frames as one message.
     * @return {@code false} if the send timed out
     */
    boolean send(byte[]... frames) {
        ZMsg message = new ZMsg();
        for (byte[] frame : frames) {
            message.add(frame);
        }
        return message.send(this.socket, true);
    }

    /** Reads and counts the replies already waiting, without blocking. */
    void drainNow() {
        ZMsg message;
        while ((message = ZMsg.recvMsg(this.socket, ZMQ.DONTWAIT)) != null) {
            count(message);
        }
    }

    /**
     * Reads and counts replies until {@code done} holds, no reply came for {@code quiet}, or
     * {@code max} passed.
     */
    void drain(Duration quiet, Duration max, BooleanSupplier done) {
        long start = System.nanoTime();
        long lastReply = start;
        while (!done.getAsBoolean() && System.nanoTime() - start < max.toNanos()
                && System.nanoTime() - lastReply < quiet.toNanos()) {
            ZMsg message = ZMsg.recvMsg(this.socket, 0);
            if (message != null) {
                count(message);
                lastReply = System.nanoTime();
            }
        }
    }

    /** How many messages this client has read. */
    long received() {
        return this.received;
    }

    private void count(ZMsg message) {
        this.received++;
        List<byte[]> frames = new ArrayList<>(message.size());
        for (ZFrame frame : message) {
            frames.add(frame.getData());
        }
        message.destroy();
        // A reply: empty, MDPC01, service, body...
        if (frames.size() < 4 || frames.get(0).length != 0 || !Mdp.is(frames.get(1), Mdp.CLIENT_HEADER)) {
            this.ledger.unrecognized(this.group);
            return;
        }
        List<byte[]> body = frames.subList(3, frames.size());
        String refusal = outcome(body);
        if (refusal != null) {
            this.ledger.refusedUnattributed(this.group, refusal);
            return;
        }
        long id = Bodies.idOf(body);
        if (id >= 0 && this.ledger.issued(id)) {
            this.ledger.answered(id);
        }
        else {
            this.ledger.unrecognized(this.group);
        }
    }

    @Override
    public void close() {
        this.socket.close();
    }

    /**
     * Tells what a reply body says about its request.
     * @return {@code refused:<reason>} for a PX/1 refusal, {@code error} for a Pirate error reply, or
     *         {@code null} for an answer
     */
    private static String outcome(List<byte[]> body) {
        if (PirateExtension.isRefusal(body)) {
            return "refused:" + new String(body.get(1), StandardCharsets.US_ASCII);
        }
        return ErrorReply.isError(body) ? "error" : null;
    }
}
