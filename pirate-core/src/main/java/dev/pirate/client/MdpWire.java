package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.support.FrameBuffer;

/**
 * MDP/0.1 client framing: {@code "", "MDPC01", service, body...} both ways.
 */
final class MdpWire implements Wire {

    static final MdpWire INSTANCE = new MdpWire();

    /** MDP/0.1 has no frame for the call's identity or deadline, so {@code call} is not sent. */
    @Override
    public boolean send(ZMQ.Socket socket, String service, List<byte[]> body, CallMeta call) {
        if (!socket.send(Mdp.EMPTY, ZMQ.SNDMORE)) {
            // No pipe to send on (a failed security handshake): the attempt times out.
            return false;
        }
        socket.send(Mdp.CLIENT_HEADER, ZMQ.SNDMORE);
        socket.send(service.getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
        int last = body.size() - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(body.get(i), (i < last) ? ZMQ.SNDMORE : 0);
        }
        return false;
    }

    @Override
    public List<byte[]> replyBody(FrameBuffer frames, String service) {
        if (frames.isOversized() || frames.size() < 4 || frames.get(0).length != 0
                || !Mdp.is(frames.get(1), Mdp.CLIENT_HEADER)
                || !service.equals(new String(frames.get(2), StandardCharsets.US_ASCII))) {
            return null;
        }
        return List.of(frames.copyFrom(3));
    }

    @Override
    public boolean canProbe(String service) {
        return !service.startsWith(Mdp.MMI_PREFIX);
    }
}
