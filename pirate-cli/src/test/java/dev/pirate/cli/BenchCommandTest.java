package dev.pirate.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pirate.cli.bench.BenchCommand;
import dev.pirate.event.PirateListener;
import dev.pirate.server.ThreadedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link BenchCommand}: short runs against an in-process broker and echo worker.
 */
@Timeout(60)
class BenchCommandTest {

    private LocalBroker broker;

    @BeforeEach
    void startBrokerAndWorkers() {
        this.broker = LocalBroker.start();
        this.broker.withWorker("echo", (body) -> body).withWorker("failing", (body) -> {
            throw new IllegalStateException("out of rum");
        });
    }

    @AfterEach
    void stopBrokerAndWorkers() {
        this.broker.close();
    }

    @Test
    void benchPrintsASummaryAndEndsStdoutWithOneJsonLine() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "echo", "--requests", "300",
                "--concurrency", "4", "--size", "1024", "--warmup", "20");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).hasSize(4);
        assertThat(run.outLines().get(0)).contains("'echo' via " + this.broker.endpoint(), "1024 B", "4 in flight",
                "300 requests");
        assertThat(run.outLines().get(1)).startsWith("300 requests (300 ok, 0 failed)");
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.requests()).isEqualTo(300);
        assertThat(json.ok()).isEqualTo(300);
        assertThat(json.failed()).isZero();
        assertThat(json.throughput()).isCloseTo(json.ok() / json.seconds(), within(json.throughput() * 0.01));
        assertThat(json.p50()).isPositive().isLessThanOrEqualTo(json.p99());
        assertThat(json.p99()).isLessThanOrEqualTo(json.p999());
        assertThat(json.p999()).isLessThanOrEqualTo(json.max());
    }

    @Test
    void pipelinedBenchKeepsTheRequestsInFlightOnOneSocketAndTimesEveryReply() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "echo", "--pipeline",
                "--requests", "2000", "--concurrency", "50", "--size", "16", "--warmup", "100");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines().get(0)).contains("'echo' via " + this.broker.endpoint() + ", pipelined",
                "50 in flight");
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.requests()).isEqualTo(2000);
        assertThat(json.ok()).isEqualTo(2000);
        assertThat(json.failed()).isZero();
        assertThat(json.p50()).isPositive().isLessThanOrEqualTo(json.p99());
    }

    /** An error reply carries no slot number, so the requests in flight can no longer be matched. */
    @Test
    void pipelinedBenchStopsAtTheFirstErrorReplyAndCountsEveryRequestInFlightAsFailed() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "failing", "--pipeline",
                "--requests", "20", "--concurrency", "5", "--warmup", "0", "--timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.ok()).isZero();
        assertThat(json.failed()).isEqualTo(5);
    }

    @Test
    void pipelinedBenchNamesTheFailureThatEndsItsWarmup() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "failing", "--pipeline",
                "--requests", "20", "--concurrency", "5", "--warmup", "10");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("The service failed: failing: out of rum");
    }

    @Test
    void benchForADurationMeasuresAboutThatLongAndReportsProgressOnStderr() {
        long start = System.nanoTime();
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "echo", "--duration",
                "1500ms", "--warmup", "0");
        double wallSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        // At least the duration, and no more than the run really took: no fixed upper bound that a
        // busy machine could break; a bench that never stops fails the class timeout.
        assertThat(BenchJson.lastLineOf(run).seconds()).isGreaterThanOrEqualTo(1.5).isLessThanOrEqualTo(wallSeconds);
        assertThat(run.errLines()).anySatisfy((line) -> assertThat(line).contains("requests/s", "p50", "p99"));
    }

    @Test
    void benchAtAFixedRateSpreadsTheRequestsOverTheirSchedule() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "echo", "--requests", "100",
                "--rate", "200", "--concurrency", "2", "--warmup", "0");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.ok()).isEqualTo(100);
        // The 100th request is due 495 ms after the first: the run cannot be shorter.
        assertThat(json.seconds()).isGreaterThanOrEqualTo(0.495);
        assertThat(json.throughput()).isLessThanOrEqualTo(203);
    }

    @Test
    void benchDirectToAThreadedServerNeedsNoBroker() {
        try (ThreadedServer server = new ThreadedServer("tcp://127.0.0.1:*", 2, (body) -> body, PirateListener.NONE,
                "echo")) {
            server.start();

            CliRun run = CliRun.of("bench", "--direct", server.endpoint(), "--requests", "200", "--concurrency", "2",
                    "--warmup", "10");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
            assertThat(BenchJson.lastLineOf(run).ok()).isEqualTo(200);
        }
    }

    @Test
    void failedRequestsAreCountedAndMakeTheExitCodeOne() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "failing", "--requests",
                "20", "--warmup", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        BenchJson json = BenchJson.lastLineOf(run);
        assertThat(json.requests()).isEqualTo(20);
        assertThat(json.ok()).isZero();
        assertThat(json.failed()).isEqualTo(20);
        assertThat(json.throughput()).isZero();
    }

    @Test
    void serviceWithoutWorkerFailsTheWarmupAndExitsThreeWithoutMeasuring() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "parrot", "--timeout",
                "200ms", "--requests", "10");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNKNOWN_SERVICE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().contains("'parrot'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--concurrency 0                     | --concurrency must be between 1 and 10000, was 0",
        "--size -1                           | --size must be between 0 and",
        "--warmup -1                         | --warmup must not be negative",
        "--rate 0                            | --rate must be positive",
        "--requests 0                        | --requests must be at least 1",
        "--requests 10 --duration 1s         | --duration=1s",
        "--duration soon                     | Invalid value for option '--duration'",
        "--direct tcp://127.0.0.1:5555       | --direct=tcp://127.0.0.1:5555",
        "--pipeline --size 3                 | --pipeline needs --size of at least 4 bytes",
    })
    void outOfRangeOrConflictingOptionsAreUsageErrors(String options, String message) {
        String[] args = ("bench --connect " + this.broker.endpoint() + " --service echo " + options).split(" +");

        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().get(0)).contains(message);
    }

    @Test
    void benchWithoutTargetIsUsageError() {
        CliRun run = CliRun.of("bench", "--requests", "10");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--direct", "--connect");
    }

    @Test
    void invalidServiceNameIsUsageError() {
        CliRun run = CliRun.of("bench", "--connect", this.broker.endpoint(), "--service", "two words");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("'two words'");
    }
}
