package dev.pirate.worker;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.FrameBuffer;

/**
 * MDP/0.1 worker framing: every command is {@code "", "MDPW01", command, ...}.
 * <p>
 * {@link #PLAIN} is byte-exact MDP/0.1. {@link #PIRATE} is what a connection speaks after its broker
 * answered the PX/1 question {@code 200 PX1} ({@code docs/rfc/px-1.md}, section 5): READY carries a
 * PX frame after the service, and every REQUEST carries one after the empty frame that follows the
 * client. A connection that did not negotiate never looks for a PX frame, so a body that happens to
 * start with one reaches its handler intact.
 */
final class MdpWorkerProtocol implements WorkerProtocol {

    static final MdpWorkerProtocol PLAIN = new MdpWorkerProtocol(false);

    static final MdpWorkerProtocol PIRATE = new MdpWorkerProtocol(true);

    /** {@code "", "MDPW01", 0x02, client, ""}, then the body, or the PX frame and then the body. */
    private static final int PX_FRAME_INDEX = 5;

    private final boolean pirate;

    private final int bodyStart;

    private MdpWorkerProtocol(boolean pirate) {
        this.pirate = pirate;
        this.bodyStart = pirate ? PX_FRAME_INDEX + 1 : PX_FRAME_INDEX;
    }

    /** The client message {@code "", "MDPC01", "mmi.pirate", "PX1"}, on the worker's own DEALER. */
    @Override
    public boolean sendQuestion(ZMQ.Socket socket) {
        socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        socket.send(PirateExtension.MMI_PIRATE_FRAME, ZMQ.SNDMORE);
        socket.send(PirateExtension.VERSION, 0);
        return true;
    }

    /** {@code "", "MDPC01", "mmi.pirate", "200", "PX1"} means PX/1; a foreign broker answers {@code 501}. */
    @Override
    public WorkerProtocol negotiated(FrameBuffer answer) {
        boolean yes = answer.size() == 5 && Mdp.is(answer.get(3), Mdp.MMI_FOUND)
                && Mdp.is(answer.get(4), PirateExtension.VERSION);
        return yes ? PIRATE : PLAIN;
    }

    @Override
    public boolean sendReady(ZMQ.Socket socket, String service, int credit) {
        if (!WorkerProtocol.sendFirstNow(socket, Mdp.EMPTY, true)) {
            return false;
        }
        socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        socket.send(MdpCommand.READY.frame(), ZMQ.SNDMORE);
        if (this.pirate) {
            socket.send(service, ZMQ.SNDMORE);
            socket.send(PirateExtension.readyFrame(credit), 0);
        }
        else {
            socket.send(service, 0);
        }
        return true;
    }

    @Override
    public boolean heartbeats() {
        return true;
    }

    @Override
    public boolean sendHeartbeat(ZMQ.Socket socket) {
        return sendCommand(socket, MdpCommand.HEARTBEAT);
    }

    @Override
    public boolean sendDisconnect(ZMQ.Socket socket) {
        return sendCommand(socket, MdpCommand.DISCONNECT);
    }

    private static boolean sendCommand(ZMQ.Socket socket, MdpCommand command) {
        if (!WorkerProtocol.sendFirstNow(socket, Mdp.EMPTY, true)) {
            return false;
        }
        socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        socket.send(command.frame(), 0);
        return true;
    }

    @Override
    public Kind classify(FrameBuffer frames) {
        if (frames.isOversized() || frames.size() < 3 || frames.get(0).length != 0) {
            return Kind.INVALID;
        }
        if (Mdp.is(frames.get(1), Mdp.CLIENT_HEADER)) {
            return Mdp.is(frames.get(2), PirateExtension.MMI_PIRATE_FRAME) ? Kind.NEGOTIATION : Kind.INVALID;
        }
        if (!Mdp.is(frames.get(1), Mdp.WORKER_HEADER)) {
            return Kind.INVALID;
        }
        MdpCommand command = MdpCommand.fromFrame(frames.get(2));
        if (command == MdpCommand.REQUEST) {
            return isRequest(frames) ? Kind.REQUEST : Kind.INVALID;
        }
        if (command == MdpCommand.HEARTBEAT && frames.size() == 3) {
            return Kind.HEARTBEAT;
        }
        if (command == MdpCommand.DISCONNECT) {
            return Kind.DISCONNECT;
        }
        return Kind.INVALID;
    }

    /** A negotiated broker puts a PX frame in every REQUEST (RFC section 5), so one without is invalid. */
    private boolean isRequest(FrameBuffer frames) {
        if (frames.size() <= this.bodyStart || frames.get(4).length != 0) {
            return false;
        }
        if (!this.pirate) {
            return true;
        }
        byte[] px = frames.get(PX_FRAME_INDEX);
        return PirateExtension.isPxFrame(px) && PirateExtension.isWellFormed(px);
    }

    @Override
    public int bodyStart(FrameBuffer frames) {
        return this.bodyStart;
    }

    @Override
    public byte[] pxFrame(FrameBuffer request) {
        return this.pirate ? request.get(PX_FRAME_INDEX) : null;
    }

    /** Echoes the request's ticket, if the broker gave one (PX/1 section 5.1). */
    @Override
    public boolean sendReply(ZMQ.Socket socket, FrameBuffer request, List<byte[]> reply) {
        long ticket = this.pirate ? PirateExtension.ticket(request.get(PX_FRAME_INDEX)) : -1;
        return sendReply(socket, request.get(3), ticket, reply);
    }

    @Override
    public boolean sendReply(ZMQ.Socket socket, byte[] client, long ticket, List<byte[]> reply) {
        if (!WorkerProtocol.sendFirstNow(socket, Mdp.EMPTY, true)) {
            return false;
        }
        socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        socket.send(MdpCommand.REPLY.frame(), ZMQ.SNDMORE);
        socket.send(client, ZMQ.SNDMORE);
        socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        if (ticket >= 0) {
            socket.send(PirateExtension.replyFrame(ticket), ZMQ.SNDMORE);
        }
        WorkerProtocol.sendAll(socket, reply);
        return true;
    }
}
