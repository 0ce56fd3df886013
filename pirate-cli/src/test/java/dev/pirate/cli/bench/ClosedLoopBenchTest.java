package dev.pirate.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ClosedLoopBench}.
 */
@Timeout(10)
class ClosedLoopBenchTest {

    @Test
    void warmsUpThenMeasuresEveryCallOfEveryRoundTripAndLeavesThemOpen() {
        AtomicLong calls = new AtomicLong();
        AtomicBoolean closed = new AtomicBoolean();
        RoundTrip trip = new RoundTrip() {
            @Override
            public void call() {
                calls.incrementAndGet();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };

        BenchReport report = ClosedLoopBench.run(List.of(trip, trip), 100, Duration.ofMillis(100));

        assertThat(report.failed()).isZero();
        assertThat(report.ok()).isPositive().isEqualTo(calls.get() - 100);
        assertThat(report.seconds()).isGreaterThanOrEqualTo(0.1);
        assertThat(closed).isFalse();
    }

    @Test
    void countsMeasuredFailuresWithoutStopping() {
        AtomicLong calls = new AtomicLong();
        RoundTrip everyOtherFails = () -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("odd one out");
            }
        };

        BenchReport report = ClosedLoopBench.run(List.of(everyOtherFails), 0, Duration.ofMillis(50));

        assertThat(report.failed()).isPositive();
        assertThat(report.requests()).isEqualTo(calls.get());
    }

    @Test
    void theFirstWarmUpFailureEndsTheRun() {
        RoundTrip failing = () -> {
            throw new IllegalStateException("no echo");
        };

        assertThatIllegalStateException().isThrownBy(() -> ClosedLoopBench.run(List.of(failing), 10,
                Duration.ofSeconds(5))).withMessage("no echo");
    }

    @Test
    void needsAtLeastOneRoundTrip() {
        assertThatIllegalArgumentException().isThrownBy(() -> ClosedLoopBench.run(List.of(), 0, Duration.ZERO));
    }
}
