package dev.pirate.client;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.support.FrameBuffer;

/**
 * How a request and its reply are framed on a DEALER socket: MDP/0.1 through a broker, or plain
 * REQ/REP to a server.
 */
interface Wire {

    /**
     * Sends a request, including the empty delimiter a REQ socket would add.
     * @param call the call's identity and deadline, the same on every attempt of the call; a wire
     *     that has no way to carry them ignores them
     * @return {@code true} if the request carried the PX frame, so the broker may refuse it with a reason
     */
    boolean send(ZMQ.Socket socket, String target, List<byte[]> body, CallMeta call);

    /**
     * Extracts the reply body.
     * @return the body, or {@code null} if the message is not a valid reply for the target
     */
    List<byte[]> replyBody(FrameBuffer frames, String target);

    /**
     * Tells whether the far end can say that a target does not exist (MMI).
     */
    boolean canProbe(String target);

    /**
     * Sends a question of the wire's own before a call's first request, if it has one to ask now.
     * @return {@code true} if it did: the call waits a moment for the answer before it sends
     */
    default boolean ask(ZMQ.Socket socket) {
        return false;
    }

    /**
     * Takes a message that belongs to the wire itself rather than to a request (a negotiation answer).
     * @return {@code true} if the message was taken
     */
    default boolean absorb(FrameBuffer frames) {
        return false;
    }
}
