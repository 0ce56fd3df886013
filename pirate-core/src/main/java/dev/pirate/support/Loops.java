package dev.pirate.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for an event-loop thread to finish, without ever hanging a shutdown.
 */
public final class Loops {

    /** Longest wait for a loop that checks its stop flag every 100 ms. */
    public static final long STOP_TIMEOUT_MILLIS = 5000;

    private Loops() {
    }

    /**
     * Waits for a latch that a loop thread always counts down soon (its start-up), keeping an
     * interrupt for the caller instead of giving up.
     * @param latch the latch
     */
    public static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            }
            catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a thread that is known to end on its own (it runs out of work, or was asked to
     * stop), keeping an interrupt for the caller instead of abandoning the thread half-way.
     * @param thread the thread
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            }
            catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a loop's stopped latch, at most {@link #STOP_TIMEOUT_MILLIS}; an interrupt ends the
     * wait early and is kept for the caller.
     * @param stopped counted down by the loop thread as it ends
     * @return {@code true} if the loop ended in time
     */
    public static boolean awaitStop(CountDownLatch stopped) {
        try {
            return stopped.await(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
