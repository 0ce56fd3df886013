package dev.pirate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * {@link Backoff} draws pauses within its bounds; {@link CallOptions} keeps its old shape working.
 */
class BackoffTest {

    private static final long MS = 1_000_000L;

    @Test
    void equalJitterPausesBetweenHalfAndAllOfTheCappedExponentialValue() {
        Backoff backoff = Backoff.DEFAULT;
        long[] ceilings = { 100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS };
        for (int retry = 1; retry <= ceilings.length; retry++) {
            for (int draw = 0; draw < 200; draw++) {
                assertThat(backoff.delayNanos(retry)).as("retry %d", retry)
                    .isBetween(ceilings[retry - 1] / 2, ceilings[retry - 1]);
            }
        }
        assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isLessThanOrEqualTo(1000 * MS);
    }

    @Test
    void fullJitterMayPauseAnythingUpToTheValueAndZeroInitialTurnsPausesOff() {
        Backoff full = Backoff.DEFAULT.withJitter(Backoff.Jitter.FULL);
        long least = Long.MAX_VALUE;
        for (int draw = 0; draw < 500; draw++) {
            long delay = full.delayNanos(1);
            assertThat(delay).isBetween(0L, 100 * MS);
            least = Math.min(least, delay);
        }
        assertThat(least).as("full jitter goes below the equal-jitter floor").isLessThan(50 * MS);
        assertThat(Backoff.exponential(Duration.ZERO, 2, Duration.ZERO).delayNanos(3)).isZero();
    }

    @Test
    void invalidBackoffsAndDeadlinesAreRefusedWhenBuilt() {
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.exponential(Duration.ofMillis(-1), 2,
                Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), 2,
                Duration.ofSeconds(1))).withMessageContaining("max back-off");
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.exponential(Duration.ofMillis(1), 0.5,
                Duration.ofSeconds(1))).withMessageContaining("multiplier");
        assertThatIllegalArgumentException().isThrownBy(() -> CallOptions.DEFAULTS.withDeadline(Duration.ZERO));
    }

    @Test
    void theTwoArgumentOptionsGetTheDefaultBackoffAndNoDeadline() {
        CallOptions options = new CallOptions(Duration.ofMillis(200), 2);
        assertThat(options).isEqualTo(CallOptions.of(Duration.ofMillis(200), 2));
        assertThat(options.deadline()).isNull();
        assertThat(options.backoff()).isEqualTo(Backoff.DEFAULT);
        // Three attempts of 200 ms and two pauses of at most one second.
        assertThat(options.budgetNanos()).isEqualTo(2600 * MS);
        assertThat(options.withDeadline(Duration.ofMillis(300)).budgetNanos()).isEqualTo(300 * MS);
    }
}
