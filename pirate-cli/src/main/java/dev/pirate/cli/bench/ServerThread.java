package dev.pirate.cli.bench;

import org.zeromq.ZContext;

/**
 * The life of a plain JeroMQ server in a raw benchmark: its own context, one named thread that
 * owns the sockets and runs {@link #serveOnce()} until closed, and a close that stops the thread
 * before the context, so no socket is ever touched by two threads.
 */
abstract class ServerThread implements AutoCloseable {

    /** How long one {@link #serveOnce()} may wait for a message: the loop checks its stop flag that often. */
    static final int POLL_MILLIS = 100;

    final ZContext context = new ZContext(1);

    private final String name;

    private Thread thread;

    private volatile boolean running = true;

    /**
     * @param name the thread's name
     */
    ServerThread(String name) {
        this.name = name;
    }

    /**
     * Starts the thread; call once the sockets are set up, after which only the thread uses them.
     */
    final void startThread() {
        this.thread = new Thread(this::run, this.name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (this.running) {
            serveOnce();
        }
    }

    /**
     * Handles what arrives within about {@link #POLL_MILLIS}, on the server's thread.
     */
    abstract void serveOnce();

    /**
     * Releases what the server holds besides its sockets, once its thread has ended and before the
     * context closes; nothing by default.
     */
    void afterStop() {
    }

    @Override
    public void close() {
        this.running = false;
        if (this.thread != null) {
            try {
                this.thread.join();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        afterStop();
        this.context.close();
    }
}
