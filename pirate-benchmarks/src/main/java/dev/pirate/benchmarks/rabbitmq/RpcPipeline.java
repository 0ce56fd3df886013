package dev.pirate.benchmarks.rabbitmq;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.HdrHistogram.Histogram;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Keeps C requests in flight to a RabbitMQ RPC echo on one channel, replies through direct
 * reply-to ({@value #DIRECT_REPLY_TO}): the RabbitMQ counterpart of {@code pirate bench --pipeline}.
 * <p>
 * Echo servers answer in any order, so each request carries the number of its slot (0 to C-1) as
 * its correlation id; a reply finds the request's send time by it, and the slot's next request is
 * published at once from the channel's consumer thread, which is the one thread that publishes
 * once a phase has started. The first requests of a phase are published by the caller under the
 * same lock, so the channel is never used by two threads at once.
 * <p>
 * A broker that stops reading (RabbitMQ blocks publishers on a memory or disk alarm) would hold
 * the consumer thread in a publish, and the lock with it, for good: if the caller cannot take the
 * lock within the timeout, it aborts the connection, which fails that publish, and the requests
 * still out count as failed. A pipeline that lost requests aborts its connection when closed, as a
 * broker that stopped reading would never answer a close: give each pipeline a connection of its own.
 */
final class RpcPipeline implements AutoCloseable {

    /** RabbitMQ's pseudo-queue for replies without a reply queue of one's own. */
    static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    /** How long an abort waits for the broker to confirm before it closes the socket anyway. */
    private static final int ABORT_TIMEOUT_MILLIS = 1_000;

    private final Connection connection;

    private final Channel channel;

    private final String queue;

    private final byte[] body;

    /** Per slot, built once: the correlation id and reply-to of every request in that slot. */
    private final AMQP.BasicProperties[] properties;

    private final ReentrantLock lock = new ReentrantLock();

    // Everything below is guarded by lock, and so is publishing on the channel.

    private final long[] started;

    private final boolean[] inFlight;

    private int outstanding;

    private Phase phase;

    private Histogram latencies;

    private long ok;

    private long failed;

    private long lastReplyNanos;

    private long endNanos;

    private CountDownLatch done;

    private boolean broken;

    /**
     * Opens a channel and starts consuming replies.
     * @param connection the connection to the broker
     * @param queue the echo servers' queue; must exist
     * @param size the request body size
     * @param concurrency requests in flight
     * @throws IOException if the channel cannot be opened or the queue does not exist
     */
    RpcPipeline(Connection connection, String queue, int size, int concurrency) throws IOException {
        this.connection = connection;
        this.channel = connection.createChannel();
        this.queue = queue;
        this.body = new byte[size];
        Arrays.fill(this.body, (byte) 'p');
        this.properties = new AMQP.BasicProperties[concurrency];
        for (int slot = 0; slot < concurrency; slot++) {
            this.properties[slot] = new AMQP.BasicProperties.Builder().correlationId(Integer.toString(slot))
                    .replyTo(DIRECT_REPLY_TO).build();
        }
        this.started = new long[concurrency];
        this.inFlight = new boolean[concurrency];
        try {
            // Passive: a queue that no echo server declared is an error here, not a silent black hole.
            this.channel.queueDeclarePassive(queue);
        }
        catch (IOException ex) {
            throw new IOException("No queue '" + queue + "' on the broker: start the echo servers first", ex);
        }
        // Direct reply-to needs the consumer (no-ack) on the publishing channel before the first request.
        this.channel.basicConsume(DIRECT_REPLY_TO, true, new Replies(this.channel));
    }

    /**
     * Runs one phase and returns once every request sent has its reply, or once no reply has come
     * for {@code timeout}, in which case every request still out counts as failed and this pipeline
     * can no longer be used.
     * @param requests the requests to send; not yet started
     * @param latencies where the latencies of successful requests go in nanoseconds, or {@code null}
     * @param timeout how long to wait for any reply
     * @return the phase's outcome
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if a previous phase lost requests, or a publish stays stuck even
     *     after the connection was aborted
     */
    Outcome run(Phase requests, Histogram latencies, Duration timeout) throws InterruptedException {
        CountDownLatch finished;
        long start;
        this.lock.lock();
        try {
            if (this.broken) {
                throw new IllegalStateException("A previous phase lost requests; the pipeline cannot be reused");
            }
            this.phase = requests;
            this.latencies = latencies;
            this.ok = 0;
            this.failed = 0;
            this.done = new CountDownLatch(1);
            finished = this.done;
            requests.start();
            start = System.nanoTime();
            this.lastReplyNanos = start;
            for (int slot = 0; slot < this.started.length; slot++) {
                long now = requests.next();
                if (now < 0) {
                    break;
                }
                send(slot, now);
            }
            finishIfIdle(start);
        }
        finally {
            this.lock.unlock();
        }
        long timeoutNanos = timeout.toNanos();
        while (!finished.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
            lockOrAbort(timeoutNanos);
            try {
                if (this.outstanding > 0 && System.nanoTime() - this.lastReplyNanos >= timeoutNanos) {
                    abandon();
                }
            }
            finally {
                this.lock.unlock();
            }
        }
        this.lock.lock();
        try {
            return new Outcome(this.ok, this.failed, this.endNanos - start);
        }
        finally {
            this.lock.unlock();
        }
    }

    /** Takes the lock; a publish that holds it for a whole timeout is failed by aborting the connection. */
    private void lockOrAbort(long timeoutNanos) throws InterruptedException {
        if (this.lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            return;
        }
        System.err.println("RabbitRpcBench: a publish has been stuck for " + Duration.ofNanos(timeoutNanos)
                + " (is the broker blocking publishers?); aborting the connection");
        this.connection.abort(ABORT_TIMEOUT_MILLIS);
        if (!this.lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("A publish stays stuck after the connection was aborted");
        }
    }

    /** Counts every request still out as failed and ends the phase; called with the lock held. */
    private void abandon() {
        this.broken = true;
        this.phase.cancel();
        this.failed += this.outstanding;
        Arrays.fill(this.inFlight, false);
        this.outstanding = 0;
        finishIfIdle(System.nanoTime());
    }

    /** Publishes a slot's next request; called with the lock held. */
    private void send(int slot, long now) {
        if (!this.inFlight[slot]) {
            this.inFlight[slot] = true;
            this.outstanding++;
        }
        this.started[slot] = now;
        try {
            this.channel.basicPublish("", this.queue, this.properties[slot], this.body);
        }
        catch (IOException | RuntimeException ex) {
            // The channel is gone: nothing more can be sent, and what is out will time out.
            this.phase.cancel();
        }
    }

    private void finishIfIdle(long now) {
        if (this.outstanding == 0) {
            this.endNanos = now;
            this.done.countDown();
        }
    }

    private void reply(String correlationId, int length) {
        long now = System.nanoTime();
        this.lock.lock();
        try {
            int slot = slotOf(correlationId);
            if (slot < 0 || !this.inFlight[slot]) {
                // Not a request this phase has out (a late reply after a timeout): nothing to time.
                return;
            }
            this.lastReplyNanos = now;
            if (length == this.body.length) {
                this.ok++;
                if (this.latencies != null) {
                    this.latencies.recordValue(now - this.started[slot]);
                }
            }
            else {
                this.failed++;
            }
            long next = this.phase.next();
            if (next >= 0) {
                send(slot, next);
            }
            else {
                this.inFlight[slot] = false;
                this.outstanding--;
                finishIfIdle(now);
            }
        }
        finally {
            this.lock.unlock();
        }
    }

    /** The slot a correlation id names, or -1; without exceptions or allocation. */
    private int slotOf(String correlationId) {
        if (correlationId == null || correlationId.isEmpty() || correlationId.length() > 9) {
            return -1;
        }
        int slot = 0;
        for (int i = 0; i < correlationId.length(); i++) {
            int digit = correlationId.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            slot = slot * 10 + digit;
        }
        return (slot < this.started.length) ? slot : -1;
    }

    /**
     * Closes the channel; if a phase lost requests, aborts the whole connection instead, with a
     * bounded wait.
     * @throws IOException if closing the channel fails
     */
    @Override
    public void close() throws IOException {
        this.lock.lock();
        try {
            if (this.broken) {
                this.connection.abort(ABORT_TIMEOUT_MILLIS);
                return;
            }
        }
        finally {
            this.lock.unlock();
        }
        try {
            if (this.channel.isOpen()) {
                this.channel.close();
            }
        }
        catch (TimeoutException ex) {
            throw new IOException("Closing the channel timed out", ex);
        }
        catch (ShutdownSignalException ex) {
            // Closed meanwhile, with its connection: nothing left to close.
        }
    }

    /**
     * What one phase did.
     * @param ok requests answered with an echo of the right size
     * @param failed requests answered wrongly or not at all
     * @param elapsedNanos from the first request to the last reply (or to giving up)
     */
    record Outcome(long ok, long failed, long elapsedNanos) {
    }

    /** Receives the replies on the channel's consumer thread. */
    private final class Replies extends DefaultConsumer {

        Replies(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties replyProperties,
                byte[] reply) {
            reply(replyProperties.getCorrelationId(), reply.length);
        }
    }
}
