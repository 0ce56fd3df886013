package dev.pirate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.cli.bench.BenchRawCommand;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BenchRawCommand}.
 */
@Timeout(60)
class BenchRawCommandTest {

    @Test
    void dealerPipelinesToARouterEchoAndReportsLikeBench() {
        CliRun run = CliRun.of("bench-raw", "--pattern", "dealer", "--requests", "2000", "--concurrency", "50",
                "--warmup", "100");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines().get(0)).contains("raw DEALER to ROUTER echo", "50 in flight");
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.ok()).isEqualTo(2000);
        assertThat(json.failed()).isZero();
    }

    @Test
    void reqMakesSynchronousRoundTripsToARepEcho() {
        CliRun run = CliRun.of("bench-raw", "--pattern", "req", "--requests", "500", "--size", "1024", "--concurrency",
                "2", "--warmup", "10");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines().get(0)).contains("raw REQ to REP echo", "1024 B");
        assertThat(BenchJson.lastLineOf(run).ok()).isEqualTo(500);
    }

    @Test
    void proxyMakesTheSameRoundTripsThroughAForwarder() {
        CliRun run = CliRun.of("bench-raw", "--pattern", "proxy", "--requests", "500", "--concurrency", "3",
                "--warmup", "10");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines().get(0)).contains("raw PROXY to REP echo", "through a ROUTER/DEALER forwarder at");
        assertThat(BenchJson.lastLineOf(run).ok()).isEqualTo(500);
    }

    @Test
    void unknownPatternIsUsageError() {
        CliRun run = CliRun.of("bench-raw", "--pattern", "pub", "--requests", "10");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--pattern", "pub");
    }

    @Test
    void rateIsNotAnOptionOfTheRawCeiling() {
        CliRun run = CliRun.of("bench-raw", "--pattern", "dealer", "--rate", "100");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--rate");
    }
}
