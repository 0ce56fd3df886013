package dev.pirate.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A bare JeroMQ socket for golden-frame tests: sends and receives exact frame lists, nothing more.
 */
public final class RawPeer implements AutoCloseable {

    private final ZContext context = new ZContext(1);

    private final ZMQ.Socket socket;

    private RawPeer(SocketType type) {
        this.socket = this.context.createSocket(type);
        this.socket.setLinger(0);
        this.socket.setReceiveTimeOut(5000);
        this.socket.setHandshakeIvl(dev.pirate.support.Sockets.HANDSHAKE_MILLIS);
    }

    public static RawPeer connect(SocketType type, String endpoint) {
        RawPeer peer = new RawPeer(type);
        peer.socket.connect(endpoint);
        return peer;
    }

    /** Binds to a free loopback port; {@link #endpoint()} tells which. */
    public static RawPeer bind(SocketType type) {
        RawPeer peer = new RawPeer(type);
        peer.socket.bind("tcp://127.0.0.1:*");
        return peer;
    }

    /** Binds to the given endpoint, e.g. to stand in again for a peer that was closed. */
    public static RawPeer bind(SocketType type, String endpoint) {
        RawPeer peer = new RawPeer(type);
        peer.socket.bind(endpoint);
        return peer;
    }

    public String endpoint() {
        return this.socket.getLastEndpoint();
    }

    public ZMQ.Socket socket() {
        return this.socket;
    }

    public void send(byte[]... frames) {
        for (int i = 0; i < frames.length; i++) {
            this.socket.send(frames[i], (i < frames.length - 1) ? ZMQ.SNDMORE : 0);
        }
    }

    public void sendStrings(String... frames) {
        byte[][] bytes = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            bytes[i] = frames[i].getBytes(StandardCharsets.UTF_8);
        }
        send(bytes);
    }

    /** Receives one whole message, or returns {@code null} after the timeout. */
    public List<byte[]> receive(int timeoutMillis) {
        this.socket.setReceiveTimeOut(timeoutMillis);
        byte[] first = this.socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (this.socket.hasReceiveMore()) {
            frames.add(this.socket.recv(0));
        }
        return frames;
    }

    public List<byte[]> receive() {
        return receive(5000);
    }

    @Override
    public void close() {
        this.context.close();
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Renders frames for assertions: printable text as is, anything else as {@code 0x..} hex. */
    public static List<String> describe(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] frame : frames) {
            boolean printable = true;
            for (byte b : frame) {
                printable &= (b >= ' ' && b <= '~');
            }
            out.add(printable ? text(frame) : "0x" + java.util.HexFormat.of().formatHex(frame));
        }
        return out;
    }

    public static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
