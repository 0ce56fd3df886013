package dev.pirate.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Schedule}.
 */
@Timeout(10)
class ScheduleTest {

    @Test
    void countScheduleHandsOutExactlyThatManyRequests() {
        Schedule schedule = Schedule.ofCount(3);
        schedule.start();

        assertThat(takeAll(schedule)).hasSize(3);
    }

    @Test
    void durationScheduleStopsHandingOutRequestsOnceItsTimeIsUp() {
        long duration = Duration.ofMillis(50).toNanos();
        Schedule schedule = Schedule.ofDuration(Duration.ofNanos(duration));
        long before = System.nanoTime();
        schedule.start();
        long after = System.nanoTime();

        List<Long> taken = takeAll(schedule);

        assertThat(taken).isNotEmpty().allMatch((intended) -> intended - after < duration);
        assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(duration);
    }

    @Test
    void pacedScheduleGivesEachRequestItsIntendedStartAndWaitsForIt() {
        Schedule schedule = Schedule.ofCount(5).atRate(100);
        schedule.start();

        List<Long> taken = takeAll(schedule);

        assertThat(taken).hasSize(5);
        for (int i = 1; i < taken.size(); i++) {
            // Intended starts, not send times: exactly one interval apart whatever the sender's delays.
            assertThat(taken.get(i) - taken.get(i - 1)).isEqualTo(Duration.ofMillis(10).toNanos());
        }
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(taken.get(4));
    }

    @Test
    void pacedDurationScheduleEndsAtItsDuration() {
        Schedule schedule = Schedule.ofDuration(Duration.ofMillis(100)).atRate(100);
        schedule.start();

        assertThat(takeAll(schedule)).hasSize(10);
    }

    @Test
    void cancelledScheduleHandsOutNothingMore() {
        Schedule schedule = Schedule.ofCount(100);
        schedule.start();
        schedule.next();

        schedule.cancel();

        assertThat(schedule.next()).isEqualTo(-1);
    }

    private static List<Long> takeAll(Schedule schedule) {
        List<Long> taken = new ArrayList<>();
        long intended;
        while ((intended = schedule.next()) >= 0) {
            taken.add(intended);
        }
        return taken;
    }
}
