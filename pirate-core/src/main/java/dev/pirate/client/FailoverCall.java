package dev.pirate.client;

import java.time.Duration;
import java.util.List;

import org.zeromq.ZMQException;

/**
 * The state of one call over several brokers ({@link BrokerFailover}): which brokers it has tried,
 * how many of its attempts timed out, and what comes next after an attempt failed.
 * <p>
 * Every attempt carries the same {@link CallMeta}, so the call keeps one PX/1 request id and one
 * deadline on every broker (a broker coalesces only the attempts it receives itself). An attempt is
 * one Lazy Pirate attempt on one broker's engine, with that engine's MMI probe when it times out:
 * the probe tells a broker that is alive but has no worker for the service ("unknown service", for
 * example just after it restarted, or for a service registered with other brokers only) from one
 * that is gone. The first kind is excluded for the rest of the call without counting as a failure;
 * the second counts as a timed-out attempt against the call's retries and against the broker.
 * <p>
 * Confined to one thread at a time: the caller's, or the callback thread that completed the
 * previous attempt.
 */
final class FailoverCall {

    private final BrokerFailover failover;

    final String target;

    final List<byte[]> body;

    private final CallOptions options;

    /** Each attempt's options: one attempt, the call's own deadline if it has one. */
    final CallOptions attemptOptions;

    final CallMeta meta;

    private final long startNanos = System.nanoTime();

    private final boolean hardDeadline;

    /** Brokers that said they know no worker for the service. */
    private long unknownAt;

    /** The broker whose attempt just timed out, avoided by the next choice; -1 for none. */
    private int avoid = -1;

    /** The broker the previous attempt went to; -1 before the first. */
    private int previous = -1;

    private int timedOut;

    private RuntimeException failure;

    FailoverCall(BrokerFailover failover, String target, List<byte[]> body, CallOptions options) {
        this.failover = failover;
        this.target = target;
        this.body = body;
        this.options = options;
        this.attemptOptions = options.withRetries(0);
        this.meta = CallMeta.newCall(this.startNanos + options.budgetNanos(), options.traceContext());
        this.hardDeadline = options.deadline() != null;
    }

    /**
     * Chooses the broker of the next attempt and counts a failover if it is not the previous one.
     * The attempt counts as in flight on that broker until {@link #ended(int)}.
     * @return the broker
     */
    int next() {
        int broker = this.failover.selector().choose(this.unknownAt, this.avoid);
        this.failover.selector().started(broker);
        if (this.previous >= 0 && broker != this.previous) {
            this.failover.countFailover();
        }
        this.previous = broker;
        return broker;
    }

    /** The attempt on the broker is over, whichever way; called once per {@link #next()}. */
    void ended(int broker) {
        this.failover.selector().ended(broker);
    }

    /** The attempt on the broker got its reply. */
    void succeeded(int broker) {
        this.failover.selector().answered(broker);
    }

    /**
     * Decides what follows an attempt that ended without a reply.
     * @param broker the attempt's broker
     * @param cause what the attempt ended with
     * @return the pause before the next attempt in nanoseconds (0 for at once), or -1 if the call is
     *     over: {@link #failure()} then says why
     */
    long afterFailure(int broker, Throwable cause) {
        BrokerSelector selector = this.failover.selector();
        if (cause instanceof PirateUnknownServiceException unknown) {
            selector.answered(broker);
            this.unknownAt |= 1L << broker;
            this.avoid = -1;
            if (Long.bitCount(this.unknownAt) >= selector.brokers()) {
                return giveUp(unknown);
            }
            return 0;
        }
        if (!(cause instanceof PirateTimeoutException) && !isUnreachable(cause)) {
            if (cause instanceof PirateRefusedException || cause instanceof PirateRemoteException) {
                selector.answered(broker);
            }
            return giveUp((cause instanceof RuntimeException runtime) ? runtime
                    : new PirateException("Request to '" + this.target + "' failed: " + cause, this.target,
                            this.failover.describe()));
        }
        selector.timedOut(broker);
        this.timedOut++;
        this.avoid = broker;
        long now = System.nanoTime();
        if (this.timedOut >= this.options.attempts() || (this.hardDeadline && this.meta.deadlineNanos() - now <= 0)) {
            return giveUp(timeout());
        }
        this.failover.retrying(this.target);
        // Another broker is tried at once; the same one again only after the back-off, as a single
        // broker's client would, so a herd of retries does not meet a broker that is recovering.
        boolean alternative = hasAlternative(broker);
        long pause = alternative ? 0 : this.options.backoff().delayNanos(this.timedOut);
        if (this.hardDeadline && this.meta.deadlineNanos() - (now + pause) <= 0) {
            return giveUp(timeout());
        }
        return pause;
    }

    /**
     * Whether the attempt could not even be sent: ZeroMQ refused to connect, for example to a host
     * name that does not resolve (a broker pod that is not scheduled yet). Such a broker counts as
     * failing, like one that did not answer in time.
     */
    private static boolean isUnreachable(Throwable cause) {
        return cause instanceof ZMQException
                || (cause instanceof PirateException && cause.getCause() instanceof ZMQException);
    }

    /** Whether a broker other than the given one can take the next attempt now. */
    private boolean hasAlternative(int broker) {
        BrokerSelector selector = this.failover.selector();
        for (int other = 0; other < selector.brokers(); other++) {
            if (other != broker && (this.unknownAt & (1L << other)) == 0 && !selector.isSkipped(other)) {
                return true;
            }
        }
        return false;
    }

    private PirateTimeoutException timeout() {
        return new PirateTimeoutException(this.target, this.failover.describe(), this.timedOut,
                Duration.ofNanos(elapsedNanos()));
    }

    private long giveUp(RuntimeException cause) {
        this.failure = cause;
        return -1;
    }

    RuntimeException failure() {
        return this.failure;
    }

    long elapsedNanos() {
        return System.nanoTime() - this.startNanos;
    }
}
