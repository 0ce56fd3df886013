package dev.pirate.support;

import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of an event-loop thread that owns its sockets: start it and wait until it serves (or
 * report why it could not), ask it to stop, and wait for its end without ever hanging a shutdown.
 * The loop reads {@link #isRunning()} at least every 100 ms.
 */
public final class LoopThread {

    private static final Logger logger = LoggerFactory.getLogger(LoopThread.class);

    private final CountDownLatch started = new CountDownLatch(1);

    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean running;

    private volatile RuntimeException startFailure;

    private Thread thread;

    /**
     * Starts the loop on a new thread and returns once it called {@link #serving()}.
     * @param name the thread name
     * @param body the loop; it calls {@link #serving()} once ready, or throws if it cannot start
     * @throws IllegalStateException if already started, or with the body's start-up failure
     */
    public synchronized void start(String name, Runnable body) {
        if (this.thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        this.running = true;
        this.thread = new Thread(() -> run(body), name);
        this.thread.start();
        Loops.awaitUninterruptibly(this.started);
        if (this.startFailure != null) {
            throw this.startFailure;
        }
    }

    private void run(Runnable body) {
        try {
            body.run();
        }
        catch (RuntimeException ex) {
            if (this.started.getCount() > 0) {
                this.startFailure = ex;
            }
            else {
                logger.error("Loop {} failed", Thread.currentThread().getName(), ex);
            }
        }
        finally {
            this.running = false;
            this.started.countDown();
            this.stopped.countDown();
        }
    }

    /** Called by the loop once it serves. */
    public void serving() {
        this.started.countDown();
    }

    /**
     * Tells whether the loop should go on (and, seen from outside, whether it runs).
     * @return {@code false} once stopping was asked or the loop ended
     */
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Asks the loop to stop and waits for its end, at most {@link Loops#STOP_TIMEOUT_MILLIS}.
     * @return {@code false} if the loop was never started (the caller still owns its resources)
     */
    public boolean stop() {
        Thread t;
        synchronized (this) {
            this.running = false;
            t = this.thread;
        }
        if (t == null) {
            return false;
        }
        if (t != Thread.currentThread() && !Loops.awaitStop(this.stopped)) {
            logger.error("Thread {} did not stop within {} ms; leaving it", t.getName(), Loops.STOP_TIMEOUT_MILLIS);
        }
        return true;
    }
}
