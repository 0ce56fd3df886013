package dev.pirate.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP forwarder between Pirate's workers and their broker that a test can cut, like a
 * network partition: {@link #cut()} drops every forwarded connection and refuses new ones until
 * {@link #heal()}. Neither side is told anything beyond a closed TCP connection, so the broker expires
 * the workers and the workers reconnect, as they would after a real outage.
 * <p>
 * The proxy listens before the application starts, so its endpoint can be configured as
 * {@code pirate.worker.endpoint}; {@link #forwardTo(String)} names the broker once it has bound a free
 * port. Until then connections are refused, as while cut: a connection that waited would carry a READY
 * that its worker may since have given up, and the broker would register a worker nobody answers for.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;

    private volatile @Nullable InetSocketAddress upstream;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final Thread acceptor;

    private volatile boolean cut;

    private TcpProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "test-proxy-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a proxy on a free loopback port.
     * @return the proxy
     * @throws IOException if no port can be bound
     */
    static TcpProxy start() throws IOException {
        TcpProxy proxy = new TcpProxy();
        proxy.acceptor.start();
        return proxy;
    }

    /**
     * Returns the ZeroMQ endpoint to connect to instead of the broker.
     * @return for example {@code tcp://127.0.0.1:40123}
     */
    String endpoint() {
        return "tcp://127.0.0.1:" + this.server.getLocalPort();
    }

    /**
     * Names the broker to forward to.
     * @param zmqEndpoint a {@code tcp://host:port} endpoint
     */
    void forwardTo(String zmqEndpoint) {
        URI uri = URI.create(zmqEndpoint);
        this.upstream = new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    /** Drops every forwarded connection and refuses new ones. */
    void cut() {
        this.cut = true;
        this.sockets.forEach(TcpProxy::closeQuietly);
    }

    /** Forwards new connections again. */
    void heal() {
        this.cut = false;
    }

    @Override
    public void close() throws InterruptedException {
        closeQuietly(this.server);
        this.sockets.forEach(TcpProxy::closeQuietly);
        this.acceptor.join(TimeUnit.SECONDS.toMillis(5));
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket downstream = this.server.accept();
                if (this.cut || this.upstream == null) {
                    closeQuietly(downstream);
                    continue;
                }
                this.sockets.add(downstream);
                Thread connector = new Thread(() -> connect(downstream), "test-proxy-connect");
                connector.setDaemon(true);
                connector.start();
            }
            catch (IOException ex) {
                // Closed: the loop ends.
            }
        }
    }

    private void connect(Socket downstream) {
        try {
            InetSocketAddress address = this.upstream;
            Socket upstreamSocket = new Socket(address.getAddress(), address.getPort());
            this.sockets.add(upstreamSocket);
            if (this.cut || downstream.isClosed()) {
                closeQuietly(upstreamSocket);
                closeQuietly(downstream);
                return;
            }
            pump(downstream, upstreamSocket);
            pump(upstreamSocket, downstream);
        }
        catch (IOException ex) {
            closeQuietly(downstream);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            catch (IOException ex) {
                // Either side closed: close both below.
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
                this.sockets.remove(from);
                this.sockets.remove(to);
            }
        }, "test-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ex) {
            // Nothing more to do.
        }
    }
}
