package dev.pirate.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.zeromq.ZContext;

import dev.pirate.event.ClientOutcome;
import dev.pirate.event.PirateListener;
import dev.pirate.protocol.Mdp;
import dev.pirate.support.Sockets;

/**
 * A client over several brokers: one {@link ClientEngine} per broker endpoint (each with its own
 * sockets, async loop and PX/1 negotiation, which holds per broker; all in one ZeroMQ context, so one
 * ZeroMQ I/O thread), a {@link BrokerWatch} on their connections and a {@link BrokerSelector}
 * that spreads the attempts of every call over them and skips those that keep failing. Each call
 * is a {@link FailoverCall}; its attempts are single attempts on one engine.
 * <p>
 * The engines report attempts, not calls, so they get a listener that passes only their failures
 * on; this class tells the application's listener of each call once, as a single broker's client
 * would, and of each retry.
 */
final class BrokerFailover implements Calls {

    private final List<ClientEngine> engines;

    private final List<String> endpoints;

    private final BrokerSelector selector;

    private final PirateListener listener;

    private final CallOptions defaults;

    private final Executor callbackExecutor;

    private final LongAdder failovers = new LongAdder();

    private final String description;

    private final BrokerWatch watch;

    /** The context the engines share, if this client made it; closed after them. */
    private final ZContext ownedContext;

    BrokerFailover(List<ClientEngine> engines, BrokerSelector selector, PirateListener listener, CallOptions defaults,
            Executor callbackExecutor, ZContext ownedContext) {
        this.engines = List.copyOf(engines);
        this.endpoints = this.engines.stream().map(ClientEngine::endpoint).toList();
        this.selector = selector;
        this.listener = listener;
        this.defaults = defaults;
        this.callbackExecutor = callbackExecutor;
        this.description = String.join(",", this.endpoints);
        this.watch = new BrokerWatch(this.engines, selector);
        this.ownedContext = ownedContext;
    }

    /** Starts watching the connection to every broker (see {@link BrokerWatch}). */
    void startWatch(String threadName) {
        this.watch.start(threadName);
    }

    /** The listener the engines get: their loops' failures only, none of their per-attempt outcomes. */
    static PirateListener attemptListener(PirateListener listener) {
        return new PirateListener() {

            @Override
            public void loopFailed(String component, Throwable cause) {
                listener.loopFailed(component, cause);
            }
        };
    }

    BrokerSelector selector() {
        return this.selector;
    }

    /** The context of the engines' sockets: the one this client made, or the caller's. */
    ZContext engineContext() {
        return this.engines.get(0).context();
    }

    List<String> endpoints() {
        return this.endpoints;
    }

    /** The endpoints, comma-separated, for messages. */
    String describe() {
        return this.description;
    }

    long failovers() {
        return this.failovers.sum();
    }

    void countFailover() {
        this.failovers.increment();
    }

    void retrying(String target) {
        this.listener.clientRetry(target);
    }

    @Override
    public CallOptions defaults() {
        return this.defaults;
    }

    @Override
    public List<byte[]> call(String target, List<byte[]> body, CallOptions options) {
        checkBody(body);
        FailoverCall call = new FailoverCall(this, target, body, options);
        while (true) {
            int broker = call.next();
            List<byte[]> reply;
            try {
                reply = this.engines.get(broker).call(target, body, call.attemptOptions, call.meta);
            }
            catch (RuntimeException ex) {
                call.ended(broker);
                long pause = call.afterFailure(broker, ex);
                if (pause < 0) {
                    report(call, PirateException.outcomeOf(call.failure()));
                    throw call.failure();
                }
                pause(call, pause);
                continue;
            }
            call.ended(broker);
            call.succeeded(broker);
            report(call, ClientOutcome.SUCCESS);
            return reply;
        }
    }

    /** The pause between two attempts on the same broker; the caller's thread waits it out. */
    private void pause(FailoverCall call, long nanos) {
        if (nanos == 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            PirateException failure = new PirateException("Interrupted while waiting to send '" + call.target
                    + "' again", call.target, this.description);
            failure.initCause(ex);
            report(call, ClientOutcome.FAILED);
            throw failure;
        }
    }

    @Override
    public CompletableFuture<List<byte[]>> callAsync(String target, List<byte[]> body, CallOptions options) {
        checkBody(body);
        FailoverCall call = new FailoverCall(this, target, body, options);
        CompletableFuture<List<byte[]>> result = new CompletableFuture<>();
        sendAsync(call, result, true);
        return result;
    }

    /**
     * Sends the call's next attempt. The attempt's future completes on the callback executor, where
     * the next attempt is decided and sent, so the caller's continuation of {@code result} never runs
     * on an I/O thread.
     * @param first whether this is the call's first attempt: a client that is closed then throws, as
     *     a single broker's client does, rather than failing the future
     */
    private void sendAsync(FailoverCall call, CompletableFuture<List<byte[]>> result, boolean first) {
        int broker = call.next();
        CompletableFuture<List<byte[]>> attempt;
        try {
            attempt = this.engines.get(broker).callAsync(call.target, call.body, call.attemptOptions, call.meta);
        }
        catch (RuntimeException ex) {
            call.ended(broker);
            if (first) {
                throw ex;
            }
            report(call, ClientOutcome.FAILED);
            result.completeExceptionally(ex);
            return;
        }
        attempt.whenComplete((reply, error) -> {
            call.ended(broker);
            if (error == null) {
                call.succeeded(broker);
                report(call, ClientOutcome.SUCCESS);
                result.complete(reply);
                return;
            }
            Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
                    : error;
            long pause = call.afterFailure(broker, cause);
            if (pause < 0) {
                report(call, PirateException.outcomeOf(call.failure()));
                result.completeExceptionally(call.failure());
            }
            else if (pause == 0) {
                sendAsync(call, result, false);
            }
            else {
                Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS, this.callbackExecutor);
                try {
                    later.execute(() -> sendAsync(call, result, false));
                }
                catch (RejectedExecutionException ex) {
                    report(call, ClientOutcome.FAILED);
                    result.completeExceptionally(ex);
                }
            }
        });
    }

    /**
     * Asks the brokers in turn whether a service has a worker (MMI {@code mmi.service}).
     * @return {@code true} as soon as one says 200; {@code false} if every broker that answered said 404
     * @throws PirateTimeoutException if no broker answered
     */
    boolean serviceExists(String service) {
        List<byte[]> question = List.of(service.getBytes(StandardCharsets.US_ASCII));
        PirateException last = null;
        boolean answered = false;
        for (int i = 0; i < this.engines.size(); i++) {
            try {
                byte[] answer = this.engines.get(i).call(Mdp.MMI_SERVICE, question, this.defaults.withRetries(0))
                    .get(0);
                this.selector.answered(i);
                answered = true;
                if (Mdp.is(answer, Mdp.MMI_FOUND)) {
                    return true;
                }
            }
            catch (PirateTimeoutException ex) {
                last = ex;
            }
        }
        if (!answered && last != null) {
            throw last;
        }
        return false;
    }

    /** Checked once per call, not as a failure of its first broker. */
    private static void checkBody(List<byte[]> body) {
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("A request needs at least one body frame");
        }
    }

    private void report(FailoverCall call, ClientOutcome outcome) {
        this.listener.clientRequestCompleted(call.target, outcome, call.elapsedNanos());
    }

    @Override
    public void close() {
        // First: its sockets live in the engines' contexts, which closing an engine terminates.
        this.watch.close();
        for (ClientEngine engine : this.engines) {
            engine.close();
        }
        if (this.ownedContext != null) {
            Sockets.close(this.ownedContext);
        }
    }
}
