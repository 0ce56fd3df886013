package dev.pirate.client;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.support.FrameBuffer;

/**
 * Plain REQ/REP framing from a DEALER: {@code "", body...} both ways, as a REQ socket would send.
 */
final class PlainWire implements Wire {

    static final PlainWire INSTANCE = new PlainWire();

    /** A plain REP server knows nothing of call identity or deadlines, so {@code call} is not sent. */
    @Override
    public boolean send(ZMQ.Socket socket, String target, List<byte[]> body, CallMeta call) {
        if (!socket.send(Mdp.EMPTY, ZMQ.SNDMORE)) {
            // No pipe to send on (a failed security handshake): the attempt times out.
            return false;
        }
        int last = body.size() - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(body.get(i), (i < last) ? ZMQ.SNDMORE : 0);
        }
        return false;
    }

    @Override
    public List<byte[]> replyBody(FrameBuffer frames, String target) {
        if (frames.isOversized() || frames.size() < 2 || frames.get(0).length != 0) {
            return null;
        }
        return List.of(frames.copyFrom(1));
    }

    @Override
    public boolean canProbe(String target) {
        return false;
    }
}
