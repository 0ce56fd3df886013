package dev.pirate.worker;

import java.time.Duration;

import dev.pirate.event.PirateListener;
import dev.pirate.security.ClientSecurity;

/**
 * Workers for the Guide's Pirate queues: Paranoid Pirate (RFC 6: READY and HEARTBEAT frames,
 * liveness, reconnect back-off from 1 s doubling to 32 s) or Simple Pirate (a REQ-style worker that
 * says READY once and then only replies). Requests and replies keep the client's envelope intact.
 * <pre>{@code
 * QueueWorker worker = QueueWorker.paranoid("tcp://localhost:5556", (body) -> body).build();
 * worker.start();
 * }</pre>
 */
public final class QueueWorker implements AutoCloseable {

    private final MajordomoWorker workers;

    private QueueWorker(MajordomoWorker workers) {
        this.workers = workers;
    }

    /**
     * Starts building Paranoid Pirate workers.
     * @param endpoint the queue's backend endpoint
     * @param handler the request handler
     * @return a builder with the Guide's defaults: heartbeat 1 s, liveness 3, back-off 1 s to 32 s
     */
    public static Builder paranoid(String endpoint, RequestHandler handler) {
        return new Builder(MajordomoWorker.builder(endpoint, "ppp", handler)
            .protocol(EnvelopeWorkerProtocol.PARANOID)
            .heartbeatInterval(Duration.ofSeconds(1))
            .reconnectDelay(Duration.ofSeconds(1), Duration.ofSeconds(32)));
    }

    /**
     * Starts building Simple Pirate workers.
     * @param endpoint the queue's backend endpoint
     * @param handler the request handler
     * @return a builder
     */
    public static Builder simple(String endpoint, RequestHandler handler) {
        return new Builder(MajordomoWorker.builder(endpoint, "simple", handler)
            .protocol(EnvelopeWorkerProtocol.SIMPLE));
    }

    /** Connects every worker. */
    public void start() {
        this.workers.start();
    }

    /**
     * Returns how many connections are open to the queue.
     * @return open connections
     */
    public int connectedCount() {
        return this.workers.connectedCount();
    }

    /**
     * Returns what stopped the workers, if something did other than {@link #stop(Duration)}.
     * @return the error that killed a connection loop or a ZeroMQ I/O thread, or {@code null}
     */
    public Throwable failure() {
        return this.workers.failure();
    }

    /**
     * Stops after the requests in hand are answered, waiting at most the grace period.
     * @param gracePeriod the longest wait
     * @return {@code true} if every connection ended in time
     */
    public boolean stop(Duration gracePeriod) {
        return this.workers.stop(gracePeriod);
    }

    @Override
    public void close() {
        this.workers.close();
    }

    /**
     * Builds {@link QueueWorker}s.
     */
    public static final class Builder {

        private final MajordomoWorker.Builder delegate;

        private Builder(MajordomoWorker.Builder delegate) {
            this.delegate = delegate;
        }

        /**
         * Sets the number of connections, each handling one request at a time.
         * @param concurrency at least 1
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            this.delegate.concurrency(concurrency);
            return this;
        }

        /**
         * Sets the heartbeat interval (Paranoid Pirate only); use the queue's.
         * @param interval a positive duration
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.delegate.heartbeatInterval(interval);
            return this;
        }

        /**
         * Sets how many silent heartbeat intervals make the worker reconnect (Paranoid Pirate only).
         * @param liveness at least 1
         * @return this builder
         */
        public Builder liveness(int liveness) {
            this.delegate.liveness(liveness);
            return this;
        }

        /**
         * Sets the first reconnect delay and its cap.
         * @param initial the first delay
         * @param max the cap
         * @return this builder
         */
        public Builder reconnectDelay(Duration initial, Duration max) {
            this.delegate.reconnectDelay(initial, max);
            return this;
        }

        /**
         * Sets how long a stop waits for requests in hand.
         * @param gracePeriod zero or more
         * @return this builder
         */
        public Builder shutdownGracePeriod(Duration gracePeriod) {
            this.delegate.shutdownGracePeriod(gracePeriod);
            return this;
        }

        /**
         * Sets the listener; events carry the name {@code ppp} or {@code simple} as their service.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PirateListener listener) {
            this.delegate.listener(listener);
            return this;
        }

        /**
         * Connects with CURVE to a queue that is a CURVE server (default: plain text).
         * @param security the client settings, or {@code null} for none
         * @return this builder
         */
        public Builder security(ClientSecurity security) {
            this.delegate.security(security);
            return this;
        }

        /**
         * Builds the workers.
         * @return the workers, not yet started
         */
        public QueueWorker build() {
            return new QueueWorker(this.delegate.build());
        }
    }
}
