package dev.pirate.cli.bench;

import java.time.Duration;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * A plain REQ socket's round trip: send the body, wait for the echo. After a timeout the REQ state
 * machine cannot send again, so every later call on it fails too, which a raw benchmark reports.
 */
final class ReqRoundTrip implements RoundTrip {

    private final ZMQ.Socket socket;

    private final Payload payload;

    ReqRoundTrip(ZContext context, String endpoint, Payload payload, Duration timeout) {
        this.socket = Sockets.create(context, SocketType.REQ);
        this.socket.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.socket.connect(endpoint);
        this.payload = payload;
    }

    @Override
    public void call() {
        this.socket.send(this.payload.body(), 0);
        this.payload.checkEcho(this.socket.recv(0));
    }

    @Override
    public void close() {
        this.socket.close();
    }
}
