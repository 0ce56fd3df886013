package dev.pirate.worker;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.Ppp;
import dev.pirate.support.FrameBuffer;

/**
 * Worker framing of the queues that route by envelope: Paranoid Pirate (RFC 6) and Simple Pirate.
 * <p>
 * A request is an address envelope, an empty frame, then the body; the reply repeats the envelope
 * untouched, so any number of routing hops works. Paranoid Pirate workers send READY {@code 0x01}
 * and HEARTBEAT {@code 0x02} as single frames. Simple Pirate workers behave like the Guide's REQ
 * worker: READY is {@code "", 0x01}, every message starts with the empty frame a REQ socket would
 * add, and there are no heartbeats.
 */
final class EnvelopeWorkerProtocol implements WorkerProtocol {

    static final EnvelopeWorkerProtocol PARANOID = new EnvelopeWorkerProtocol(false);

    static final EnvelopeWorkerProtocol SIMPLE = new EnvelopeWorkerProtocol(true);

    private final boolean reqStyle;

    private EnvelopeWorkerProtocol(boolean reqStyle) {
        this.reqStyle = reqStyle;
    }

    /** Neither queue has a management interface to ask. */
    @Override
    public boolean sendQuestion(ZMQ.Socket socket) {
        return false;
    }

    @Override
    public WorkerProtocol negotiated(FrameBuffer answer) {
        return this;
    }

    @Override
    public boolean sendReady(ZMQ.Socket socket, String service, int credit) {
        if (!this.reqStyle) {
            return WorkerProtocol.sendFirstNow(socket, Ppp.READY, false);
        }
        if (!WorkerProtocol.sendFirstNow(socket, Mdp.EMPTY, true)) {
            return false;
        }
        socket.send(Ppp.READY, 0);
        return true;
    }

    @Override
    public boolean heartbeats() {
        return !this.reqStyle;
    }

    @Override
    public boolean sendHeartbeat(ZMQ.Socket socket) {
        return WorkerProtocol.sendFirstNow(socket, Ppp.HEARTBEAT, false);
    }

    @Override
    public boolean sendDisconnect(ZMQ.Socket socket) {
        // Neither protocol has a DISCONNECT: the queue notices the silence.
        return false;
    }

    @Override
    public Kind classify(FrameBuffer frames) {
        if (frames.isOversized()) {
            return Kind.INVALID;
        }
        if (!this.reqStyle && frames.size() == 1 && Mdp.is(frames.get(0), Ppp.HEARTBEAT)) {
            return Kind.HEARTBEAT;
        }
        int start = bodyStart(frames);
        return (start > 0 && start < frames.size()) ? Kind.REQUEST : Kind.INVALID;
    }

    /** After the first empty frame that follows at least one address frame; -1 if there is none. */
    @Override
    public int bodyStart(FrameBuffer frames) {
        int first = this.reqStyle ? 1 : 0;
        if (this.reqStyle && (frames.size() == 0 || frames.get(0).length != 0)) {
            return -1;
        }
        for (int i = first + 1; i < frames.size(); i++) {
            if (frames.get(i).length == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    @Override
    public byte[] pxFrame(FrameBuffer request) {
        return null;
    }

    @Override
    public boolean sendReply(ZMQ.Socket socket, FrameBuffer request, List<byte[]> reply) {
        return WorkerProtocol.sendEnvelopeAndReply(socket, request, bodyStart(request), reply);
    }
}
