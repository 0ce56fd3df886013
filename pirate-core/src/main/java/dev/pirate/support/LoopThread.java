package dev.pirate.support;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of an event-loop thread that owns its sockets: start it and wait until it serves (or
 * report why it could not), ask it to stop, and wait for its end without ever hanging a shutdown.
 * The loop reads {@link #isRunning()} at least every 100 ms.
 * <p>
 * A loop that dies of anything, an {@link Error} included, ends the component loudly: the failure
 * is logged at ERROR, kept for {@link #failure()}, and handed to the failure callback, so a
 * component is never left alive and serving nothing. Another thread that learns the loop cannot go
 * on (a ZeroMQ I/O thread that died) stops it the same way with {@link #fail(Throwable)}.
 */
public final class LoopThread {

    private static final Logger logger = LoggerFactory.getLogger(LoopThread.class);

    private final CountDownLatch started = new CountDownLatch(1);

    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean running;

    private volatile RuntimeException startFailure;

    private volatile Throwable failure;

    private Consumer<Throwable> onFailure = cause -> {
    };

    private Thread thread;

    /**
     * Starts the loop on a new thread and returns once it called {@link #serving()}.
     * @param name the thread name
     * @param body the loop; it calls {@link #serving()} once ready, or throws if it cannot start
     * @throws IllegalStateException if already started, or with the body's start-up failure
     */
    public synchronized void start(String name, Runnable body) {
        start(name, body, this.onFailure);
    }

    /**
     * Starts the loop on a new thread and returns once it called {@link #serving()}.
     * @param name the thread name
     * @param body the loop; it calls {@link #serving()} once ready, or throws if it cannot start
     * @param onFailure told once, on the loop thread as it ends, if the loop died after it started
     * @throws IllegalStateException if already started, or with the body's start-up failure
     */
    public synchronized void start(String name, Runnable body, Consumer<Throwable> onFailure) {
        start(name, body, onFailure, false);
    }

    /**
     * Like {@link #start(String, Runnable, Consumer)}, on a daemon thread: for a loop whose owner may
     * be forgotten without being closed, which must not keep the JVM alive.
     * @param name the thread name
     * @param body the loop
     * @param onFailure told once if the loop died after it started
     */
    public synchronized void startDaemon(String name, Runnable body, Consumer<Throwable> onFailure) {
        start(name, body, onFailure, true);
    }

    private void start(String name, Runnable body, Consumer<Throwable> onFailure, boolean daemon) {
        if (this.thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        this.onFailure = onFailure;
        this.running = true;
        this.thread = new Thread(() -> run(body), name);
        this.thread.setDaemon(daemon);
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
        catch (Throwable ex) {
            if (this.started.getCount() > 0) {
                this.startFailure = (ex instanceof RuntimeException runtime) ? runtime
                        : new IllegalStateException(Thread.currentThread().getName() + " could not start: " + ex, ex);
            }
            else {
                recordFailure(ex);
            }
        }
        finally {
            this.running = false;
            this.started.countDown();
            Throwable cause = this.failure;
            if (cause != null) {
                logger.error("{} stopped: {}", Thread.currentThread().getName(), cause.toString(), cause);
                tellFailure(cause);
            }
            this.stopped.countDown();
        }
    }

    private synchronized void recordFailure(Throwable cause) {
        if (this.failure == null) {
            this.failure = cause;
        }
    }

    private void tellFailure(Throwable cause) {
        try {
            this.onFailure.accept(cause);
        }
        catch (RuntimeException ex) {
            logger.error("Failure callback of {} threw", Thread.currentThread().getName(), ex);
        }
    }

    /**
     * Stops the loop because it cannot go on, from any thread; the loop ends within its next turn and
     * reports the cause as its failure. Only the first cause is kept.
     * @param cause why the loop must stop
     */
    public void fail(Throwable cause) {
        recordFailure(cause);
        this.running = false;
    }

    /**
     * Returns what killed the loop.
     * @return the failure, or {@code null} while the loop runs or if it stopped normally
     */
    public Throwable failure() {
        return this.failure;
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
