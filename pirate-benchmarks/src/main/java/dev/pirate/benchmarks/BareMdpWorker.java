package dev.pirate.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The least an MDP/0.1 echo worker can be on JeroMQ: READY, then a blocking receive of each
 * REQUEST and its REPLY, a HEARTBEAT when one is due, nothing else (no reconnect, no liveness, no
 * PX/1). It tells what JeroMQ itself adds to a round trip's latency, against Pirate's worker and a
 * libzmq worker, in {@code bench/tail.sh}.
 * <pre>
 * java -cp benchmarks.jar dev.pirate.benchmarks.BareMdpWorker ENDPOINT SERVICE
 * </pre>
 */
public final class BareMdpWorker {

    private static final byte[] EMPTY = new byte[0];

    private static final byte[] HEADER = "MDPW01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte READY = 1;

    private static final byte REQUEST = 2;

    private static final byte REPLY = 3;

    private static final byte HEARTBEAT = 4;

    private static final long HEARTBEAT_NANOS = 2_500_000_000L;

    private BareMdpWorker() {
    }

    /**
     * Serves until killed; prints {@code worker ready} once READY is sent.
     * @param args the broker endpoint and the service
     */
    public static void main(String[] args) {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
            socket.setReceiveTimeOut((int) (HEARTBEAT_NANOS / 1_000_000));
            socket.connect(args[0]);
            send(socket, List.of(EMPTY, HEADER, new byte[] { READY }, args[1].getBytes()));
            System.out.println("worker ready");
            long lastSent = System.nanoTime();
            List<byte[]> message = new ArrayList<>();
            while (!Thread.currentThread().isInterrupted()) {
                message.clear();
                byte[] frame = socket.recv(0);
                if (frame != null) {
                    message.add(frame);
                    while (socket.hasReceiveMore()) {
                        message.add(socket.recv(0));
                    }
                }
                if (message.size() > 5 && message.get(2).length == 1 && message.get(2)[0] == REQUEST) {
                    List<byte[]> reply = new ArrayList<>(List.of(EMPTY, HEADER, new byte[] { REPLY }, message.get(3),
                            EMPTY));
                    reply.addAll(message.subList(5, message.size()));
                    send(socket, reply);
                    lastSent = System.nanoTime();
                }
                if (System.nanoTime() - lastSent > HEARTBEAT_NANOS) {
                    send(socket, List.of(EMPTY, HEADER, new byte[] { HEARTBEAT }));
                    lastSent = System.nanoTime();
                }
            }
        }
    }

    private static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), (i < frames.size() - 1) ? ZMQ.SNDMORE : 0);
        }
    }
}
