package dev.pirate.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that forwards every connection to a target port and keeps a copy of
 * every byte that passes, both ways, so a test can look for plain text on the wire.
 */
final class ByteCapturingProxy implements AutoCloseable {

    private final ServerSocket server;

    private final int targetPort;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private final Thread acceptor;

    ByteCapturingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::accept, "test-proxy-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    String endpoint() {
        return "tcp://127.0.0.1:" + this.server.getLocalPort();
    }

    /** Everything that passed so far, both directions mixed. */
    byte[] captured() {
        synchronized (this.captured) {
            return this.captured.toByteArray();
        }
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket client = this.server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
                this.sockets.add(client);
                this.sockets.add(target);
                pump(client, target, "test-proxy-up");
                pump(target, client, "test-proxy-down");
            }
            catch (IOException ex) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    synchronized (this.captured) {
                        this.captured.write(buffer, 0, read);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            catch (IOException ex) {
                // The other side closed: this direction ends.
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            // Closing anyway.
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        this.server.close();
        this.sockets.forEach(ByteCapturingProxy::closeQuietly);
    }
}
