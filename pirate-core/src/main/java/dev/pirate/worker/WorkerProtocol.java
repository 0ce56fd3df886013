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
        REQUEST, HEARTBEAT, DISCONNECT, INVALID
    }

    /** Sends the greeting that makes the worker known, on every new connection. */
    void sendReady(ZMQ.Socket socket, String service);

    /** Whether the protocol heartbeats; without heartbeats there is no liveness either. */
    boolean heartbeats();

    /** Sends a heartbeat; only called when {@link #heartbeats()}. */
    void sendHeartbeat(ZMQ.Socket socket);

    /** Says goodbye before a clean stop, where the protocol has a way to. */
    void sendDisconnect(ZMQ.Socket socket);

    /** Classifies a received message. */
    Kind classify(FrameBuffer frames);

    /** Index of the first body frame of a message classified as {@link Kind#REQUEST}. */
    int bodyStart(FrameBuffer frames);

    /** Sends the reply to a request. */
    void sendReply(ZMQ.Socket socket, FrameBuffer request, List<byte[]> reply);

    /** Sends frames {@code [0, end)} of the request, then the reply frames, as one message. */
    static void sendEnvelopeAndReply(ZMQ.Socket socket, FrameBuffer request, int end, List<byte[]> reply) {
        for (int i = 0; i < end; i++) {
            socket.send(request.get(i), ZMQ.SNDMORE);
        }
        sendAll(socket, reply);
    }

    /** Sends frames as the end of a message. */
    static void sendAll(ZMQ.Socket socket, List<byte[]> frames) {
        int last = frames.size() - 1;
        for (int i = 0; i <= last; i++) {
            socket.send(frames.get(i), (i < last) ? ZMQ.SNDMORE : 0);
        }
    }
}
