package dev.pirate.worker;

import java.util.List;

import org.zeromq.ZMQ;

import dev.pirate.support.FrameBuffer;

/**
 * The framing of one worker protocol on a DEALER socket: MDP/0.1, Paranoid Pirate (RFC 6) or
 * Simple Pirate. {@link WorkerConnection} runs the same loop for all of them.
 */
interface WorkerProtocol {

    /** What a received message is. */
    enum Kind {
        /** A request for the handler. */
        REQUEST,
        /** The broker is alive. */
        HEARTBEAT,
        /** The broker forgot this worker. */
        DISCONNECT,
        /** The broker's answer to the PX/1 question of {@link #sendQuestion(ZMQ.Socket)}. */
        NEGOTIATION,
        /** Anything else; dropped. */
        INVALID
    }

    /**
     * Asks the broker, before READY, whether it speaks PX/1, where the protocol has a way to. Only
     * called first on a fresh socket, whose empty pipe always takes it.
     * @return {@code false} if the protocol cannot negotiate: READY goes at once
     */
    boolean sendQuestion(ZMQ.Socket socket);

    /**
     * Returns the protocol to speak for the rest of a connection, given the broker's answer to the
     * question (a message classified as {@link Kind#NEGOTIATION}).
     */
    WorkerProtocol negotiated(FrameBuffer answer);

    /**
     * Sends the greeting that makes the worker known, on every new connection, if the socket can
     * take it now; never blocks. A protocol that can offers {@code credit} (PX/1 section 5.1).
     * @return {@code false} if the socket's pipe is full and READY was not sent
     */
    boolean sendReady(ZMQ.Socket socket, String service, int credit);

    /** Whether the protocol heartbeats; without heartbeats there is no liveness either. */
    boolean heartbeats();

    /**
     * Sends a heartbeat if the socket can take it now; only called when {@link #heartbeats()}.
     * Never blocks: a heartbeat that cannot go now is skipped, and the next one goes instead.
     * @return {@code false} if it was skipped
     */
    boolean sendHeartbeat(ZMQ.Socket socket);

    /**
     * Says goodbye, where the protocol has a way to; never blocks.
     * @return {@code false} if nothing was sent (a full pipe, or a protocol without goodbye)
     */
    boolean sendDisconnect(ZMQ.Socket socket);

    /** Classifies a received message. */
    Kind classify(FrameBuffer frames);

    /** Index of the first body frame of a message classified as {@link Kind#REQUEST}. */
    int bodyStart(FrameBuffer frames);

    /** The PX frame of a message classified as {@link Kind#REQUEST}, or {@code null} if the protocol has none. */
    byte[] pxFrame(FrameBuffer request);

    /**
     * Sends the reply to a request if the socket can take it now; never blocks.
     * @return {@code false} if the socket's pipe is full and the reply was not sent
     */
    boolean sendReply(ZMQ.Socket socket, FrameBuffer request, List<byte[]> reply);

    /**
     * Sends the reply to a request a handler pool ran, by the request's client address and ticket, if
     * the socket can take it now; never blocks. Only protocols with worker credit have pools.
     * @param ticket the request's ticket, or -1 for none
     * @return {@code false} if the socket's pipe is full and the reply was not sent
     */
    default boolean sendReply(ZMQ.Socket socket, byte[] client, long ticket, List<byte[]> reply) {
        throw new UnsupportedOperationException("This protocol has no worker credit");
    }

    /**
     * Sends the first frame of a message only if the socket can take it now. ZeroMQ counts whole
     * messages against the high-water mark, so once the first frame is accepted the rest never
     * block: a message either goes whole or is not started.
     * @return {@code false} if the pipe is full (or there is none)
     */
    static boolean sendFirstNow(ZMQ.Socket socket, byte[] frame, boolean more) {
        return socket.send(frame, more ? (ZMQ.SNDMORE | ZMQ.DONTWAIT) : ZMQ.DONTWAIT);
    }

    /** Sends frames {@code [0, end)} of the request, then the reply frames, as one message; never blocks. */
    static boolean sendEnvelopeAndReply(ZMQ.Socket socket, FrameBuffer request, int end, List<byte[]> reply) {
        if (!sendFirstNow(socket, request.get(0), true)) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            socket.send(request.get(i), ZMQ.SNDMORE);
        }
        sendAll(socket, reply);
        return true;
    }

    /** Sends frames as the end of a message. */
    static void sendAll(ZMQ.Socket socket, List<byte[]> frames) {
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(frames.get(i), (i < last) ? ZMQ.SNDMORE : 0);
        }
    }
}
