package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.FrameBuffer;

/**
 * MDP/0.1 client framing that negotiates PX/1 with the broker ({@code docs/rfc/px-1.md}) and, once
 * the broker said it speaks it, marks every request with the PX frame so a refusal comes back as
 * an answer instead of a timeout.
 * <p>
 * Until the broker has answered, a call first asks {@code mmi.pirate} on its socket
 * ({@link #ask(ZMQ.Socket)}) and waits a moment for the answer, which {@link #absorb(FrameBuffer)}
 * takes, before it sends its request: so even a client's first call can be refused with a reason,
 * and carries its request id from its first attempt. A broker that answers anything but
 * {@code 200 PX1} (a foreign broker answers {@code 501}) is spoken to in plain MDP/0.1 only, so a
 * foreign broker and its workers never see a PX frame. After a few unanswered questions the broker
 * is taken for one without MMI: calls no longer wait, and one request in
 * {@value #ASK_AGAIN_EVERY} still asks, alongside its request, in case it was only down.
 * One instance per client; thread-safe.
 */
final class PirateWire implements Wire {

    private static final int UNKNOWN = 0;

    private static final int PIRATE = 1;

    private static final int FOREIGN = 2;

    /** Questions asked without an answer before the broker is taken for one without MMI. */
    private static final int MAX_QUESTIONS = 3;

    /**
     * While no answer came, one request in this many still asks, so a client that started before
     * its Pirate broker (every question lost) learns it later, at a bounded cost to a broker
     * without MMI, which holds each question as a request for an unknown service.
     */
    private static final int ASK_AGAIN_EVERY = 64;

    private static final List<byte[]> QUESTION = List.of(PirateExtension.VERSION);

    private volatile int state = UNKNOWN;

    private int questions;

    private volatile boolean answered;

    /**
     * Asks the broker whether it speaks PX/1, if no answer came yet and few questions were asked.
     * @return {@code true} if the question went: the caller waits a moment for the answer
     */
    @Override
    public boolean ask(ZMQ.Socket socket) {
        if (this.answered || !firstQuestions()) {
            return false;
        }
        MdpWire.INSTANCE.send(socket, "mmi.pirate", QUESTION, null);
        return true;
    }

    private synchronized boolean firstQuestions() {
        if (this.questions >= MAX_QUESTIONS) {
            this.state = FOREIGN;
            return false;
        }
        this.questions++;
        return true;
    }

    private synchronized boolean askAgain() {
        return ++this.questions % ASK_AGAIN_EVERY == 0;
    }

    @Override
    public boolean send(ZMQ.Socket socket, String service, List<byte[]> body, CallMeta call) {
        int now = this.state;
        if (!this.answered && now == FOREIGN && askAgain()) {
            MdpWire.INSTANCE.send(socket, "mmi.pirate", QUESTION, call);
        }
        if (now != PIRATE) {
            MdpWire.INSTANCE.send(socket, service, body, call);
            return false;
        }
        if (!socket.send(Mdp.EMPTY, ZMQ.SNDMORE)) {
            // No pipe to send on (a failed security handshake): the attempt times out.
            return true;
        }
        socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        socket.send(service.getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
        socket.send(PirateExtension.pxFrame(call.requestId(), call.remainingMillis(), call.traceContext()), ZMQ.SNDMORE);
        int last = body.size() - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(body.get(i), (i < last) ? ZMQ.SNDMORE : 0);
        }
        return true;
    }

    @Override
    public boolean absorb(FrameBuffer frames) {
        if (frames.isOversized() || frames.size() < 4 || !Mdp.is(frames.get(2), PirateExtension.MMI_PIRATE_FRAME)) {
            return false;
        }
        this.state = PirateExtension.isNegotiated(List.of(frames.copyFrom(3))) ? PIRATE : FOREIGN;
        this.answered = true;
        return true;
    }

    @Override
    public List<byte[]> replyBody(FrameBuffer frames, String service) {
        return MdpWire.INSTANCE.replyBody(frames, service);
    }

    @Override
    public boolean canProbe(String service) {
        return MdpWire.INSTANCE.canProbe(service);
    }
}
