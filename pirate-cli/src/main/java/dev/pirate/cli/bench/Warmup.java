package dev.pirate.cli.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The outcomes of the warm-up: nothing is measured, and the first failure ends it, so a target that
 * does not answer is reported at once instead of after a timeout per warm-up request.
 */
final class Warmup implements Outcomes {

    private final Schedule schedule;

    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    Warmup(Schedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public void success(long latencyNanos) {
    }

    @Override
    public void failure(RuntimeException cause) {
        this.failure.compareAndSet(null, cause);
        this.schedule.cancel();
    }

    /**
     * Throws the first failure, if there was one.
     * @throws RuntimeException the first warm-up request's failure
     */
    void rethrowFailure() {
        RuntimeException first = this.failure.get();
        if (first != null) {
            throw first;
        }
    }
}
