package dev.pirate.spring.broker;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.pirate.broker.BrokerSnapshot;
import dev.pirate.broker.MajordomoBroker;

/**
 * Starts an embedded {@link MajordomoBroker} before the workers of the application and stops it after
 * them.
 * <p>
 * On stop it first lets replies in transit reach their clients: it waits, for at most the drain
 * timeout, until no worker is busy. Local workers have finished by then (they stop in an earlier
 * phase), so this only covers the replies they just sent and workers of other processes.
 */
public class MajordomoBrokerLifecycle implements SmartLifecycle {

    /** Starts before and stops after {@link dev.pirate.spring.worker.MajordomoWorkerContainer#PHASE}. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** Default longest wait for busy workers on stop. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger logger = LoggerFactory.getLogger(MajordomoBrokerLifecycle.class);

    /** The broker publishes its snapshot every 100 ms; looking more often gains nothing. */
    private static final long DRAIN_POLL_MILLIS = 50;

    private final MajordomoBroker broker;

    private final Duration drainTimeout;

    private volatile boolean running;

    /**
     * Creates a lifecycle with the default drain timeout.
     * @param broker the broker, not yet started
     */
    public MajordomoBrokerLifecycle(MajordomoBroker broker) {
        this(broker, DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * Creates a lifecycle.
     * @param broker the broker, not yet started
     * @param drainTimeout the longest wait for busy workers on stop
     */
    public MajordomoBrokerLifecycle(MajordomoBroker broker, Duration drainTimeout) {
        this.broker = broker;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Returns the managed broker.
     * @return the broker
     */
    public MajordomoBroker getBroker() {
        return this.broker;
    }

    @Override
    public void start() {
        if (!this.broker.isRunning()) {
            this.broker.start();
        }
        this.running = true;
    }

    @Override
    public void stop() {
        if (!this.running) {
            return;
        }
        this.running = false;
        awaitIdleWorkers();
        this.broker.close();
    }

    private void awaitIdleWorkers() {
        long deadline = System.nanoTime() + this.drainTimeout.toNanos();
        while (busyWorkers(this.broker.snapshot()) > 0) {
            if (System.nanoTime() - deadline >= 0) {
                logger.info("Closing the broker with {} busy worker(s) after {}", busyWorkers(this.broker.snapshot()),
                        this.drainTimeout);
                return;
            }
            try {
                Thread.sleep(DRAIN_POLL_MILLIS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int busyWorkers(BrokerSnapshot snapshot) {
        return snapshot.services().stream().mapToInt(BrokerSnapshot.Service::busyWorkers).sum();
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
