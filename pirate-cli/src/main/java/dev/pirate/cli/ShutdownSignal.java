package dev.pirate.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Holds a long-running subcommand until the JVM is asked to stop (SIGINT, SIGTERM): a shutdown hook
 * runs the component's stop action, so the broker or worker says goodbye to its peers before the
 * JVM ends. Closing the signal unregisters the hook when the command ends for another reason.
 * Interrupting the waiting thread also ends the wait, for callers that run a command in-process.
 */
final class ShutdownSignal implements AutoCloseable {

    /** How often the waiting thread checks that the component still runs: it may also end on its own. */
    private static final long CHECK_INTERVAL_MILLIS = 250;

    private final CountDownLatch stopped = new CountDownLatch(1);

    private final Thread hook;

    private volatile boolean requested;

    /**
     * Registers the shutdown hook.
     * @param name the hook thread's name
     * @param stopAction stops the component; runs at most once, on the hook thread
     */
    ShutdownSignal(String name, Runnable stopAction) {
        this.hook = new Thread(() -> {
            this.requested = true;
            try {
                stopAction.run();
            }
            finally {
                this.stopped.countDown();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(this.hook);
    }

    /**
     * Waits until a signal has stopped the component, or until the component ended on its own. An
     * interrupt of the waiting thread is a stop request too: code that embeds a command, and the
     * tests, cannot send the JVM a signal, and the caller's try-with-resources then stops the
     * component. Only this waiting thread is interrupted, never a thread that owns a socket.
     * @param running tells whether the component still runs
     * @return {@code true} if it was asked to stop, {@code false} if it ended on its own
     */
    boolean await(BooleanSupplier running) {
        try {
            while (!this.stopped.await(CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)) {
                // Read the component first: the hook sets the flag before it stops the component, so a
                // component stopped by the hook is never taken for one that failed.
                if (!running.getAsBoolean() && !this.requested) {
                    return false;
                }
            }
        }
        catch (InterruptedException ex) {
            // Honoured here by returning: keeping the flag would cut short the component's graceful stop.
            return true;
        }
        return true;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(this.hook);
        }
        catch (IllegalStateException ex) {
            // The JVM is already shutting down and runs the hook, or has run it; nothing to undo.
        }
    }
}
