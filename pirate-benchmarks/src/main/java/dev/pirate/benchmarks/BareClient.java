package dev.pirate.benchmarks;

import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.protocol.Mdp;
import dev.pirate.support.FrameBuffer;

/**
 * An MDP client on one bare DEALER: sends requests without waiting and reads reply bodies.
 * Used by one thread only.
 */
final class BareClient {

    private final ZMQ.Socket socket;

    private final FrameBuffer frames = new FrameBuffer(64 * 1024, 64);

    BareClient(ZContext context, String endpoint) {
        this.socket = BareMdp.dealer(context, endpoint);
    }

    void send(byte[] service, byte[] body) {
        BareMdp.send(this.socket, Mdp.EMPTY, Mdp.CLIENT_HEADER, service, body);
    }

    /**
     * Waits for the next reply.
     * @return its body
     * @throws IllegalStateException if none comes within the receive timeout
     */
    byte[] receive() {
        if (!this.frames.receive(this.socket)) {
            throw new IllegalStateException("No reply reached the client");
        }
        return body();
    }

    /**
     * Reads a reply only if one is already waiting.
     * @return its body, or {@code null}
     */
    byte[] receiveNow() {
        return this.frames.receiveNow(this.socket) ? body() : null;
    }

    private byte[] body() {
        // Reply frames: empty, MDPC01, service, body.
        if (this.frames.size() != 4) {
            throw new IllegalStateException("Unexpected reply of " + this.frames.size() + " frames");
        }
        return this.frames.get(3);
    }
}
