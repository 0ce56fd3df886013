package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.support.Sockets;

/**
 * Fresh requests that tell whether a service is served again: each attempt on a new DEALER, as a
 * client that just started would send it, until one is answered. Bare sockets rather than
 * {@code MajordomoClient}, whose extra service probe after a timeout would blur the time to a second.
 */
final class Probe {

    private static final long PAUSE_MILLIS = 50;

    private final ZContext context;

    private final String endpoint;

    private long attempts;

    Probe(ZContext context, String endpoint) {
        this.context = context;
        this.endpoint = endpoint;
    }

    /**
     * Sends fresh requests until one is answered.
     * @param attemptTimeout how long each attempt waits for its reply
     * @param deadline how long to keep trying
     * @return {@code true} once answered; {@code false} if the deadline passed first
     */
    boolean untilServed(String service, Duration attemptTimeout, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() - end < 0) {
            if (attempt(service, attemptTimeout)) {
                return true;
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        return false;
    }

    private boolean attempt(String service, Duration timeout) {
        byte[] body = ("probe:" + (++this.attempts)).getBytes(StandardCharsets.US_ASCII);
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.DEALER);
        try {
            socket.connect(this.endpoint);
            ZMsg request = new ZMsg();
            request.add(Mdp.EMPTY);
            request.add(Mdp.CLIENT_HEADER);
            request.add(service);
            request.add(PirateExtension.PX_FRAME);
            request.add(body);
            request.send(socket);
            long end = System.nanoTime() + timeout.toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                socket.setReceiveTimeOut((int) Math.max(1, left / 1_000_000));
                ZMsg reply = ZMsg.recvMsg(socket, 0);
                // An answer starts with the body (a grow worker appends to it); a late reply to an earlier
                // attempt cannot reach a new socket.
                if (reply != null && answers(new ArrayList<>(reply), body)) {
                    return true;
                }
            }
            return false;
        }
        finally {
            socket.close();
        }
    }

    /** Whether a body frame of the reply (frames 3 on) starts with the request's body. */
    private static boolean answers(List<ZFrame> reply, byte[] body) {
        for (int i = 3; i < reply.size(); i++) {
            byte[] data = reply.get(i).getData();
            if (data.length >= body.length && Arrays.equals(data, 0, body.length, body, 0, body.length)) {
                return true;
            }
        }
        return false;
    }
}
