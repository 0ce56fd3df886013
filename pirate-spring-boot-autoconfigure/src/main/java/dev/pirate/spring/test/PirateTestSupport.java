package dev.pirate.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.context.ApplicationContext;

import dev.pirate.spring.worker.MajordomoWorkerContainer;
import dev.pirate.worker.MajordomoWorker;

/**
 * Helpers for tests of applications that use Pirate.
 */
public final class PirateTestSupport {

    /** Long enough for a loaded build machine; a registration normally takes milliseconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private PirateTestSupport() {
    }

    /**
     * Waits, for at most {@link #DEFAULT_TIMEOUT}, until every connection of every
     * {@link dev.pirate.spring.MajordomoService @MajordomoService} worker of the context is registered
     * with its broker, so that requests sent next are served at once.
     * @param context the application context
     * @throws IllegalStateException naming the services still unregistered when the time is up, or if
     * a worker has stopped
     */
    public static void awaitWorkersRegistered(ApplicationContext context) {
        awaitWorkersRegistered(context.getBean(MajordomoWorkerContainer.class), DEFAULT_TIMEOUT);
    }

    /**
     * Waits until every connection of every worker of a container is registered with its broker.
     * @param container the container that runs the workers
     * @param timeout the longest wait
     * @throws IllegalStateException naming the services still unregistered when the time is up, or if
     * a worker has stopped
     */
    public static void awaitWorkersRegistered(MajordomoWorkerContainer container, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> waiting = unregistered(container);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("Workers of " + waiting + " not registered with their broker after "
                        + timeout);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static List<String> unregistered(MajordomoWorkerContainer container) {
        if (!container.isRunning()) {
            throw new IllegalStateException("The workers are not running (the context has not started them)");
        }
        List<String> waiting = new ArrayList<>();
        for (MajordomoWorker worker : container.getWorkers()) {
            if (worker.failure() != null) {
                throw new IllegalStateException("The worker of '" + worker.service() + "' has stopped", worker.failure());
            }
            if (worker.registeredCount() < worker.connections()) {
                waiting.add(worker.service());
            }
        }
        return waiting;
    }
}
