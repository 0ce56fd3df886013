package dev.pirate.security;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.support.LoopThread;
import dev.pirate.support.RateLimitedLog;
import dev.pirate.support.Sockets;

/**
 * Answers ZeroMQ's authentication requests (ZAP, ZeroMQ RFC 27) for every CURVE server socket of one
 * context: a peer whose public key the {@link AllowList} holds is let in with its key, in Z85, as
 * its {@code User-Id}, which then travels with each of its messages; any other peer, or any other
 * mechanism, is refused and its connection closed before one of its messages is delivered.
 * <p>
 * It must be running before the server socket binds: ZeroMQ lets every key in while no handler
 * is bound.
 */
final class ZapHandler implements AutoCloseable {

    /** Where ZeroMQ sends authentication requests, one per context. */
    static final String ENDPOINT = "inproc://zeromq.zap.01";

    private static final Logger logger = LoggerFactory.getLogger(ZapHandler.class);

    private static final int POLL_MILLIS = 100;

    private enum Verdict {
        DENIED
    }

    private final RateLimitedLog<Verdict> deniedLog = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Verdict.class);

    private final ZContext context;

    private final AllowList allowList;

    private final LoopThread loop = new LoopThread();

    ZapHandler(ZContext context, AllowList allowList) {
        this.context = context;
        this.allowList = allowList;
    }

    /**
     * Binds the handler's socket and starts its thread; returns once it answers.
     * @param threadName the thread name
     * @param onFailure told if the handler dies: ZeroMQ would then let every key in, so the owner
     *        must stop its server sockets
     */
    void start(String threadName, Consumer<Throwable> onFailure) {
        this.loop.startDaemon(threadName, this::run, onFailure);
    }

    private void run() {
        ZMQ.Socket socket = Sockets.create(this.context, SocketType.REP);
        try {
            socket.setReceiveTimeOut(POLL_MILLIS);
            socket.bind(ENDPOINT);
            this.loop.serving();
            while (this.loop.isRunning()) {
                ZMsg request = ZMsg.recvMsg(socket);
                if (request != null) {
                    answer(socket, request);
                }
            }
        }
        finally {
            this.context.destroySocket(socket);
        }
    }

    private void answer(ZMQ.Socket socket, ZMsg request) {
        String version = request.popString();
        String sequence = request.popString();
        request.popString(); // domain
        String address = request.popString();
        request.popString(); // routing id of the connecting socket
        String mechanism = request.popString();
        byte[] key = (request.size() == 1) ? request.pop().getData() : null;
        String userId = null;
        if ("1.0".equals(version) && "CURVE".equals(mechanism) && key != null && key.length == CurveKeys.KEY_BYTES) {
            String publicKey = CurveKeys.encode(key);
            if (this.allowList.allows(publicKey, System.nanoTime())) {
                userId = publicKey;
            }
            else {
                this.deniedLog.log(Verdict.DENIED, "Refused a CURVE connection from {}: key {} is not allowed",
                        address, publicKey);
            }
        }
        else {
            this.deniedLog.log(Verdict.DENIED, "Refused a {} connection from {}: only allowed CURVE keys may connect",
                    mechanism, address);
        }
        ZMsg reply = new ZMsg();
        reply.add("1.0");
        reply.add(sequence == null ? "" : sequence);
        reply.add(userId != null ? "200" : "400");
        reply.add(userId != null ? "OK" : "Not allowed");
        reply.add(userId != null ? userId : "");
        reply.add(new byte[0]);
        reply.send(socket);
        request.destroy();
    }

    @Override
    public void close() {
        this.loop.stop();
    }
}
