package dev.pirate.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A plain REP server on a free loopback port, answering text with a function, for direct-endpoint
 * tests. Its one thread owns the socket and stops on a flag.
 */
final class RepServer implements AutoCloseable {

    private final ZContext context = new ZContext(1);

    private final CountDownLatch bound = new CountDownLatch(1);

    private final UnaryOperator<String> function;

    private final Thread thread;

    private volatile boolean running = true;

    private volatile String endpoint;

    private RepServer(UnaryOperator<String> function) {
        this.function = function;
        this.thread = new Thread(this::run, "test-rep-server");
        this.thread.setDaemon(true);
    }

    static RepServer start(UnaryOperator<String> function) throws InterruptedException {
        RepServer server = new RepServer(function);
        server.thread.start();
        server.bound.await();
        return server;
    }

    String endpoint() {
        return this.endpoint;
    }

    private void run() {
        try (ZMQ.Socket socket = this.context.createSocket(SocketType.REP)) {
            socket.setLinger(0);
            socket.setReceiveTimeOut(50);
            socket.bind("tcp://127.0.0.1:*");
            this.endpoint = socket.getLastEndpoint();
            this.bound.countDown();
            while (this.running) {
                byte[] request = socket.recv();
                if (request != null) {
                    String reply = this.function.apply(new String(request, StandardCharsets.UTF_8));
                    socket.send(reply.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        this.running = false;
        this.thread.join();
        this.context.close();
    }
}
