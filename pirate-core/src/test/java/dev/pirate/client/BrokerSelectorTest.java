package dev.pirate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Tests for {@link BrokerSelector}: the policy a client over several brokers follows.
 */
class BrokerSelectorTest {

    private static final long LONG_QUARANTINE = TimeUnit.MINUTES.toNanos(10);

    @Test
    void choosesRoundRobinOverBrokersThatAreNotSkipped() {
        BrokerSelector selector = new BrokerSelector(3, 2, LONG_QUARANTINE);
        int[] chosen = new int[3];
        for (int i = 0; i < 30; i++) {
            chosen[selector.choose(0, -1)]++;
        }
        assertThat(chosen).containsExactly(10, 10, 10);
    }

    @Test
    void choosesTheBrokerWithTheFewestAttemptsInFlightSoOneThatStoppedAnsweringGetsNoMore() {
        BrokerSelector selector = new BrokerSelector(3, 2, LONG_QUARANTINE);
        for (int i = 0; i < 5; i++) {
            selector.started(0);
        }
        for (int i = 0; i < 20; i++) {
            int broker = selector.choose(0, -1);
            assertThat(broker).as("not the one holding five unanswered attempts").isNotZero();
            selector.started(broker);
            selector.ended(broker);
        }
        assertThat(selector.inFlight(0)).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            selector.ended(0);
        }
        int[] chosen = new int[3];
        for (int i = 0; i < 30; i++) {
            chosen[selector.choose(0, -1)]++;
        }
        assertThat(chosen).as("round robin again once it caught up").containsExactly(10, 10, 10);
    }

    @Test
    void aBrokerIsSkippedOnlyAfterTheThresholdOfTimeoutsInARowAndBackAtItsFirstAnswer() {
        BrokerSelector selector = new BrokerSelector(2, 2, LONG_QUARANTINE);
        selector.timedOut(1);
        assertThat(selector.isSkipped(1)).isFalse();
        selector.answered(1);
        selector.timedOut(1);
        assertThat(selector.isSkipped(1)).as("the answer in between reset the count").isFalse();
        selector.timedOut(1);
        assertThat(selector.isSkipped(1)).isTrue();
        assertThat(selector.consecutiveFailures(1)).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            assertThat(selector.choose(0, -1)).isZero();
        }
        selector.answered(1);
        assertThat(selector.isSkipped(1)).isFalse();
        assertThat(selector.choose(0, -1) + selector.choose(0, -1)).as("both in the rotation again").isOne();
    }

    @Test
    void afterTheQuarantineExactlyOneChoiceProbesTheBroker() {
        BrokerSelector selector = new BrokerSelector(3, 1, TimeUnit.MILLISECONDS.toNanos(200));
        selector.timedOut(2);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> selector.choose(0, -1) == 2);
        assertThat(System.nanoTime() - start).as("not before the quarantine ended")
            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        // The probe is out: everyone else keeps skipping the broker until it answers.
        for (int i = 0; i < 20; i++) {
            assertThat(selector.choose(0, -1)).isNotEqualTo(2);
        }
    }

    @Test
    void exclusionsAreHonouredAndTheAvoidedBrokerIsUsedOnlyWithoutAnother() {
        BrokerSelector selector = new BrokerSelector(3, 1, LONG_QUARANTINE);
        for (int i = 0; i < 10; i++) {
            assertThat(selector.choose(0b001, 1)).isEqualTo(2);
        }
        assertThat(selector.choose(0b101, 1)).as("the avoided one when nothing else is left").isEqualTo(1);
        assertThat(selector.choose(0b111, -1)).as("every broker excluded").isEqualTo(-1);
    }

    @Test
    void whenEveryBrokerIsSkippedTheOneDueFirstIsStillTried() {
        BrokerSelector selector = new BrokerSelector(2, 1, LONG_QUARANTINE);
        selector.timedOut(1);
        selector.timedOut(0);
        assertThat(selector.choose(0, -1)).as("skipped first, due first").isEqualTo(1);
    }
}
