package dev.pirate.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import dev.pirate.support.Sockets;

/**
 * The handler threads of a connection that takes several requests at once (PX/1 worker credit,
 * {@code docs/rfc/px-1.md} section 5.1).
 * <p>
 * The connection's thread alone owns the broker socket: it queues each request here, {@code size}
 * threads run the handler, and each answer goes back on a queue. A one-byte message on an
 * {@code inproc} socket wakes the connection thread's poller, only if it is waiting: a busy
 * connection thread takes every answer waiting each time round its loop, and pays no wake-up for
 * them. Each handler thread owns its own {@code inproc} sender; the receiver belongs to the
 * connection thread.
 * <p>
 * A request belongs to one conversation with the broker. One that is still queued when its
 * conversation ends is never run: the broker gives it to another worker when it forgets this one.
 */
final class HandlerPool {

    /**
     * A request for the handler.
     * @param conversation the conversation it arrived in
     * @param client the client address the reply names
     * @param ticket the broker's ticket, or -1
     * @param body the request body
     * @param context what the handler learns of the request
     */
    record Job(long conversation, byte[] client, long ticket, List<byte[]> body, RequestContext context) {
    }

    /**
     * A handled request.
     * @param job the request
     * @param reply the reply frames
     */
    record Done(Job job, List<byte[]> reply) {
    }

    /** Runs the handler for a request; never throws for a handler failure, answering it instead. */
    interface Runner {
        List<byte[]> run(Job job);
    }

    private static final Job STOP = new Job(-1, null, -1, null, null);

    private static final byte[] WAKE = { 0 };

    private static final AtomicLong sequence = new AtomicLong();

    private final ZContext context;

    private final String wakeEndpoint;

    private final ZMQ.Socket wakeReceiver;

    private final ArrayBlockingQueue<Job> jobs;

    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();

    /** Requests taken and not yet answered: queued, running, or answered but not yet sent. */
    private final AtomicInteger unanswered = new AtomicInteger();

    /** Whether the connection thread is (about to be) waiting in its poller and needs a wake-up. */
    private final AtomicBoolean waiting = new AtomicBoolean();

    private final List<Thread> threads = new ArrayList<>();

    private final Runner runner;

    private final LongSupplier currentConversation;

    private final Consumer<Throwable> onDeath;

    /**
     * Creates the pool; call from the connection thread, which then owns {@link #wakeReceiver()}.
     * @param size the number of handler threads
     * @param credit the most requests the pool is given at once
     * @param onDeath told of anything a handler thread cannot survive
     */
    HandlerPool(ZContext context, int size, int credit, ThreadFactory threadFactory, String threadNamePrefix,
            Runner runner, LongSupplier currentConversation, Consumer<Throwable> onDeath) {
        this.context = context;
        this.runner = runner;
        this.currentConversation = currentConversation;
        this.onDeath = onDeath;
        this.jobs = new ArrayBlockingQueue<>(credit + size);
        this.wakeEndpoint = "inproc://pirate-handlers-" + sequence.incrementAndGet();
        this.wakeReceiver = Sockets.create(context, SocketType.PULL);
        this.wakeReceiver.bind(this.wakeEndpoint);
        for (int i = 1; i <= size; i++) {
            Thread thread = threadFactory.newThread(this::serve);
            thread.setName(threadNamePrefix + "-handler-" + i);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
        this.threads.forEach(Thread::start);
    }

    /** The socket that becomes readable when answers are waiting; owned by the connection thread. */
    ZMQ.Socket wakeReceiver() {
        return this.wakeReceiver;
    }

    /** Requests given to the pool and not yet taken back with {@link #pollDone()}. */
    int unanswered() {
        return this.unanswered.get();
    }

    /** Queues a request; the caller keeps {@link #unanswered()} within the credit it offered. */
    void submit(Job job) {
        this.unanswered.incrementAndGet();
        if (!this.jobs.offer(job)) {
            this.unanswered.decrementAndGet();
            throw new IllegalStateException("Handler queue full: more requests than the credit offered");
        }
    }

    /** Drops every request no handler has started; the broker gives them to another worker. */
    void dropQueued() {
        List<Job> dropped = new ArrayList<>();
        this.jobs.drainTo(dropped);
        this.unanswered.addAndGet(-dropped.size());
    }

    /**
     * Announces that the connection thread is about to wait in its poller; call {@link #doneWaiting()}
     * after. An answer added after this call sends a wake-up; one added before it is seen here.
     * @return {@code false} if answers are waiting already: do not wait
     */
    boolean prepareToWait() {
        this.waiting.set(true);
        if (!this.done.isEmpty()) {
            this.waiting.set(false);
            return false;
        }
        return true;
    }

    void doneWaiting() {
        this.waiting.set(false);
    }

    /** Reads the pending wake-ups, so the poller sleeps until the next answer. */
    void drainWakes() {
        while (this.wakeReceiver.recv(ZMQ.DONTWAIT) != null) {
            // Each wake-up is one byte; the answers themselves are on the queue.
        }
    }

    /**
     * Takes the next answer.
     * @return the answer, or {@code null} if none is waiting
     */
    Done pollDone() {
        Done next = this.done.poll();
        if (next != null) {
            this.unanswered.decrementAndGet();
        }
        return next;
    }

    private void serve() {
        ZMQ.Socket wake = Sockets.create(this.context, SocketType.PUSH);
        try {
            wake.connect(this.wakeEndpoint);
            while (true) {
                Job job = this.jobs.take();
                if (job == STOP) {
                    return;
                }
                if (job.conversation() != this.currentConversation.getAsLong()) {
                    this.unanswered.decrementAndGet();
                    continue;
                }
                this.done.add(new Done(job, this.runner.run(job)));
                if (this.waiting.compareAndSet(true, false)) {
                    // Skipped when the pipe is full: wake-ups are waiting already, and each takes every answer.
                    wake.send(WAKE, ZMQ.DONTWAIT);
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Throwable ex) {
            this.onDeath.accept(ex);
        }
        finally {
            wake.close();
        }
    }

    /**
     * Stops the handler threads once they finish what they run (never interrupting a handler) and
     * closes the receiver; call from the connection thread.
     * @param waitMillis how long to wait for each handler thread
     */
    void close(long waitMillis) {
        dropQueued();
        for (int i = 0; i < this.threads.size(); i++) {
            this.jobs.offer(STOP);
        }
        for (Thread thread : this.threads) {
            try {
                thread.join(waitMillis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        this.wakeReceiver.close();
    }
}
