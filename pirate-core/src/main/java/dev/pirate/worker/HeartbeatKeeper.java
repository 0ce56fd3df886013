package dev.pirate.worker;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends heartbeats for the connections whose handler is running, so a handler slower than the
 * broker's liveness does not get its worker purged. One named thread per {@link MajordomoWorker}.
 * <p>
 * It borrows a connection's socket only for a non-blocking send: a heartbeat that cannot go now (the
 * pipe to a vanished broker is full) is skipped, so the connection thread waiting to reclaim its
 * socket never waits on the network.
 */
final class HeartbeatKeeper implements AutoCloseable {

    private final ScheduledExecutorService scheduler;

    HeartbeatKeeper(String threadName, List<WorkerConnection> connections, long heartbeatMillis) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, heartbeatMillis / 4);
        this.scheduler.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            for (WorkerConnection connection : connections) {
                connection.heartbeatIfHandlerRunning(now);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Stops the keeper without interrupting it: it may be holding a socket. */
    @Override
    public void close() {
        this.scheduler.shutdown();
        try {
            this.scheduler.awaitTermination(1, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
