package dev.pirate.spring.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;

import dev.pirate.support.Loops;
import dev.pirate.worker.MajordomoWorker;

/**
 * Runs the workers of every {@link dev.pirate.spring.MajordomoService @MajordomoService} bean.
 * <p>
 * Services are discovered and validated once every singleton exists, so a mistake fails the start-up
 * before any socket is opened. Workers are created and connected when the container starts, after
 * an embedded broker (a lower phase) has bound its endpoint. On stop every worker sends DISCONNECT
 * and finishes the requests in hand within the grace period, all services at once, off the calling
 * thread; no thread that owns a socket is ever interrupted.
 */
public class MajordomoWorkerContainer implements SmartLifecycle, SmartInitializingSingleton {

    /** Starts after an embedded broker, stops before it, and stops after a web server's graceful shutdown. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    private static final Logger logger = LoggerFactory.getLogger(MajordomoWorkerContainer.class);

    private final MajordomoServiceDiscoverer discoverer;

    private final MajordomoWorkerFactory workerFactory;

    private final Duration shutdownGracePeriod;

    private final Object monitor = new Object();

    private List<MajordomoServiceDefinition> definitions = List.of();

    private List<MajordomoWorker> workers = List.of();

    private volatile boolean running;

    /**
     * Creates a container.
     * @param discoverer finds the services
     * @param workerFactory creates the workers of each service
     * @param shutdownGracePeriod how long requests in hand may take to finish on stop
     */
    public MajordomoWorkerContainer(MajordomoServiceDiscoverer discoverer, MajordomoWorkerFactory workerFactory,
            Duration shutdownGracePeriod) {
        this.discoverer = discoverer;
        this.workerFactory = workerFactory;
        this.shutdownGracePeriod = shutdownGracePeriod;
    }

    @Override
    public void afterSingletonsInstantiated() {
        synchronized (this.monitor) {
            this.definitions = this.discoverer.discover();
        }
    }

    /**
     * Returns the services this container serves.
     * @return the services found at start-up
     */
    public List<MajordomoServiceDefinition> getServices() {
        synchronized (this.monitor) {
            return this.definitions;
        }
    }

    /**
     * Returns the running workers, one per service.
     * @return the workers; empty when stopped
     */
    public List<MajordomoWorker> getWorkers() {
        synchronized (this.monitor) {
            return this.workers;
        }
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.running) {
                return;
            }
            List<MajordomoWorker> started = new ArrayList<>();
            try {
                for (MajordomoServiceDefinition definition : this.definitions) {
                    MajordomoWorker worker = this.workerFactory.createWorker(definition);
                    worker.start();
                    started.add(worker);
                    if (worker.prefetch() > 1) {
                        logger.info("Serving '{}' with bean '{}' (1 connection to {}, credit {}, {} handler thread{})",
                                definition.service(), definition.beanName(), worker.endpoint(), worker.prefetch(),
                                worker.concurrency(), (worker.concurrency() == 1) ? "" : "s");
                    }
                    else {
                        logger.info("Serving '{}' with bean '{}' ({} connection{} to {})", definition.service(),
                                definition.beanName(), worker.connections(), (worker.connections() == 1) ? "" : "s",
                                worker.endpoint());
                    }
                }
            }
            catch (RuntimeException ex) {
                started.forEach((worker) -> worker.stop(Duration.ZERO));
                throw ex;
            }
            this.workers = List.copyOf(started);
            this.running = true;
        }
    }

    @Override
    public void stop() {
        stopWorkers().forEach(Loops::joinUninterruptibly);
    }

    @Override
    public void stop(Runnable callback) {
        List<Thread> stoppers = stopWorkers();
        if (stoppers.isEmpty()) {
            callback.run();
            return;
        }
        Thread waiter = new Thread(() -> {
            stoppers.forEach(Loops::joinUninterruptibly);
            callback.run();
        }, "pirate-worker-shutdown");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Stops every worker at once, each on its own short-lived thread, so no service waits for another. */
    private List<Thread> stopWorkers() {
        List<MajordomoWorker> toStop;
        synchronized (this.monitor) {
            if (!this.running) {
                return List.of();
            }
            this.running = false;
            toStop = this.workers;
            this.workers = List.of();
        }
        List<Thread> stoppers = new ArrayList<>();
        for (MajordomoWorker worker : toStop) {
            Thread stopper = new Thread(() -> worker.stop(this.shutdownGracePeriod),
                    "pirate-worker-shutdown-" + worker.service());
            stopper.setDaemon(true);
            stopper.start();
            stoppers.add(stopper);
        }
        return stoppers;
    }
    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
