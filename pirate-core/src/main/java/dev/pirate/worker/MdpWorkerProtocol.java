package dev.pirate.worker;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.FrameBuffer;

/**
 * MDP/0.1 worker framing: every command is {@code "", "MDPW01", command, ...}.
 */
final class MdpWorkerProtocol implements WorkerProtocol {

    static final MdpWorkerProtocol INSTANCE = new MdpWorkerProtocol();

    /** {@code "", "MDPW01", 0x02, client, "", body...}: the body starts at frame 5. */
    private static final int BODY_START = 5;

    @Override
    public void sendReady(ZMQ.Socket socket, String service) {
        socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        socket.send(MdpCommand.READY.frame(), ZMQ.SNDMORE);
        socket.send(service, 0);
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
    public void sendDisconnect(ZMQ.Socket socket) {
        sendCommand(socket, MdpCommand.DISCONNECT);
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
        if (frames.isOversized() || frames.size() < 3 || frames.get(0).length != 0
                || !Mdp.is(frames.get(1), Mdp.WORKER_HEADER)) {
            return Kind.INVALID;
        }
        MdpCommand command = MdpCommand.fromFrame(frames.get(2));
        if (command == MdpCommand.REQUEST) {
            return (frames.size() > BODY_START && frames.get(4).length == 0) ? Kind.REQUEST : Kind.INVALID;
        }
        if (command == MdpCommand.HEARTBEAT && frames.size() == 3) {
            return Kind.HEARTBEAT;
        }
        if (command == MdpCommand.DISCONNECT) {
            return Kind.DISCONNECT;
        }
        return Kind.INVALID;
    }

    @Override
    public int bodyStart(FrameBuffer frames) {
        return BODY_START;
    }

    @Override
    public boolean sendReply(ZMQ.Socket socket, FrameBuffer request, List<byte[]> reply) {
        if (!WorkerProtocol.sendFirstNow(socket, Mdp.EMPTY, true)) {
            return false;
        }
        socket.send(Mdp.WORKER_HEADER, ZMQ.SNDMORE);
        socket.send(MdpCommand.REPLY.frame(), ZMQ.SNDMORE);
        socket.send(request.get(3), ZMQ.SNDMORE);
        socket.send(Mdp.EMPTY, ZMQ.SNDMORE);
        WorkerProtocol.sendAll(socket, reply);
        return true;
    }
}
