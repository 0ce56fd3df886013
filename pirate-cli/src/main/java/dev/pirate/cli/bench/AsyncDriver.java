package dev.pirate.cli.bench;

import java.util.concurrent.Semaphore;

import dev.pirate.cli.Requester;

/**
 * Keeps C requests in flight from one thread with the client's asynchronous API, a semaphore of C
 * permits holding back the next request until one completes.
 */
final class AsyncDriver implements LoadDriver {

    private final Requester requester;

    private final Payload payload;

    private final int concurrency;

    AsyncDriver(Requester requester, Payload payload, int concurrency) {
        this.requester = requester;
        this.payload = payload;
        this.concurrency = concurrency;
    }

    @Override
    public void run(Schedule schedule, Outcomes outcomes) {
        Semaphore permits = new Semaphore(this.concurrency);
        long intended;
        while (true) {
            permits.acquireUninterruptibly();
            intended = schedule.next();
            if (intended < 0) {
                break;
            }
            long start = intended;
            this.requester.requestAsync(this.payload.frames()).whenComplete((reply, failure) -> {
                try {
                    if (failure == null) {
                        this.payload.checkEcho(reply);
                        outcomes.success(System.nanoTime() - start);
                    }
                    else {
                        outcomes.failure(new IllegalStateException(failure));
                    }
                }
                catch (RuntimeException ex) {
                    outcomes.failure(ex);
                }
                finally {
                    permits.release();
                }
            });
        }
        permits.acquireUninterruptibly(this.concurrency - 1);
    }

    @Override
    public void close() {
    }
}
