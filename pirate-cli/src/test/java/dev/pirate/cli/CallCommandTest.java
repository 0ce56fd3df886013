package dev.pirate.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.event.PirateListener;
import dev.pirate.server.ThreadedServer;
import dev.pirate.testing.ForeignBroker;
import dev.pirate.testing.RawPeer;

import static dev.pirate.testing.RawPeer.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CallCommand}.
 */
@Timeout(30)
class CallCommandTest {

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
    void callPrintsEachReplyFrameOnItsOwnLineAndExitsZero() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "echo", "hello",
                "wörld");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsExactly("hello", "wörld");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void callWithSeveralBrokersGetsItsReplyThroughOneThatIsUp() {
        try (LocalBroker second = LocalBroker.start()) {
            second.withWorker("echo", (body) -> body);
            // A broker that is down, listed first: the call still gets its reply through another one.
            String down = "tcp://127.0.0.1:" + dev.pirate.testing.PythonPeer.freePort();
            for (String first : List.of(down, this.broker.endpoint())) {
                CliRun run = CliRun.of("call", "--connect", first + "," + second.endpoint(), "--service", "echo",
                        "--timeout", "1s", "ahoy");
                assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
                assertThat(run.outLines()).containsExactly("ahoy");
            }
        }
    }

    @Test
    void callWithAnEndpointListedTwiceIsUsageError() {
        CliRun run = CliRun.of("call", "--connect", "tcp://127.0.0.1:5555,tcp://127.0.0.1:5555", "--service", "echo",
                "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--connect", "listed twice");
    }

    @Test
    void callToServiceWithoutWorkerExitsThreeNamingTheService() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "parrot",
                "--timeout", "200ms", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNKNOWN_SERVICE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().contains("'parrot'");
    }

    /**
     * "Quickly" counted rather than timed: a broker that never answers 'parrot' sees exactly the
     * call's attempts (1 + --retries), then one mmi.service question, and its 404 ends the call.
     */
    @Test
    void callToServiceWithoutWorkerAsksTheBrokerOnceAfterExactlyItsAttempts() {
        try (RawPeer broker = RawPeer.bind(SocketType.ROUTER)) {
            CompletableFuture<CliRun> call = CompletableFuture.supplyAsync(() -> CliRun.of("call", "--connect",
                    broker.endpoint(), "--service", "parrot", "--timeout", "200ms", "--retries", "2", "hello"));
            int attempts = 0;
            List<byte[]> message;
            // The broker plays a foreign one: the client's PX/1 question is answered 501 on the way.
            while ((message = ForeignBroker.nextRequest(broker)) != null) {
                assertThat(describe(message.subList(1, 3))).containsExactly("", "MDPC01");
                if (RawPeer.text(message.get(3)).equals("mmi.pirate")) {
                    // The client's PX/1 question: answered as a foreign broker would, so it stays plain MDP/0.1.
                    broker.send(message.get(0), new byte[0], RawPeer.bytes("MDPC01"), message.get(3),
                            RawPeer.bytes("501"));
                    continue;
                }
                if (RawPeer.text(message.get(3)).equals("parrot")) {
                    assertThat(describe(message.subList(4, message.size()))).containsExactly("hello");
                    attempts++;
                    continue;
                }
                assertThat(describe(message.subList(3, message.size()))).containsExactly("mmi.service", "parrot");
                broker.send(message.get(0), new byte[0], RawPeer.bytes("MDPC01"), RawPeer.bytes("mmi.service"),
                        RawPeer.bytes("404"));
                break;
            }
            assertThat(message).as("the mmi.service question").isNotNull();
            assertThat(attempts).as("requests for 'parrot' before the question").isEqualTo(3);

            CliRun run = call.join();
            assertThat(run.exitCode()).isEqualTo(ExitCodes.UNKNOWN_SERVICE);
            assertThat(run.errLines()).singleElement().asString().contains("'parrot'");
            assertThat(broker.receive(300)).as("nothing after the answer").isNull();
        }
    }

    @Test
    void callThatNobodyAnswersExitsTwoAfterItsRetries() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            CliRun run = CliRun.of("call", "--connect", silent.endpoint(), "--service", "echo", "--timeout", "200ms",
                    "--retries", "1", "hello");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).singleElement().asString().contains("No reply from 'echo'", "2 attempts");
        }
    }

    /** Counted, not timed: with a 5 s timeout and 3 retries, only the deadline can end the call after one attempt. */
    @Test
    void callWithADeadlineSendsNoAttemptAfterItAndExitsTwo() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            CompletableFuture<CliRun> call = CompletableFuture.supplyAsync(() -> CliRun.of("call", "--connect",
                    silent.endpoint(), "--service", "echo", "--timeout", "5s", "--retries", "3", "--deadline", "400ms",
                    "hello"));
            assertThat(ForeignBroker.nextRequest(silent)).as("the first attempt").isNotNull();

            CliRun run = call.join();
            assertThat(run.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.errLines()).singleElement().asString().contains("No reply from 'echo'", "1 attempt");
            assertThat(silent.receive(300)).as("no attempt and no mmi.service question after the deadline").isNull();
        }
    }

    @Test
    void callWaitsItsBackoffBetweenAttempts() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            CompletableFuture<CliRun> call = CompletableFuture.supplyAsync(() -> CliRun.of("call", "--direct",
                    silent.endpoint(), "--timeout", "100ms", "--retries", "1", "--backoff", "600ms", "hello"));
            assertThat(silent.receive()).as("the first attempt").isNotNull();
            long first = System.nanoTime();
            assertThat(silent.receive()).as("the second attempt").isNotNull();
            // The timeout, then at least half the back-off (equal jitter), less a margin for scheduling.
            assertThat(System.nanoTime() - first).isGreaterThanOrEqualTo(Duration.ofMillis(350).toNanos());
            assertThat(call.join().exitCode()).isEqualTo(ExitCodes.TIMEOUT);
        }
    }

    @Test
    void callWhoseHandlerFailsExitsFourWithTheWorkersMessage() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "failing", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REMOTE_FAILURE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().contains("'failing'", "out of rum");
    }

    @Test
    void callWithBadDurationIsUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "echo", "--timeout",
                "soon", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().get(0)).contains("--timeout", "'soon'");
    }

    @Test
    void callWithInvalidServiceNameIsUsageError() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "two words", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("'two words'");
    }

    @Test
    void callWithoutBodyIsUsageError() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "echo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("BODY");
    }

    @Test
    void callKeepsEmptyFramesInPlace() {
        CliRun run = CliRun.of("call", "--connect", this.broker.endpoint(), "--service", "echo", "one", "",
                "three");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsExactly("one", "", "three");
    }

    @Test
    void directCallReachesAPlainRepServerWithoutABroker() {
        try (ThreadedServer server = new ThreadedServer("tcp://127.0.0.1:*", 1, (body) -> body, PirateListener.NONE,
                "echo")) {
            server.start();

            CliRun run = CliRun.of("call", "--direct", server.endpoint(), "hello", "wörld");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(run.outLines()).containsExactly("hello", "wörld");
        }
    }

    @Test
    void directCallThatNobodyAnswersExitsTwoNamingTheEndpoint() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            CliRun run = CliRun.of("call", "--direct", silent.endpoint(), "--timeout", "200ms", "--retries", "0",
                    "hello");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.errLines()).singleElement().asString().contains(silent.endpoint(), "1 attempt");
        }
    }

    @Test
    void directAndBrokerOptionsTogetherAreUsageError() {
        CliRun run = CliRun.of("call", "--direct", "tcp://127.0.0.1:5555", "--connect", this.broker.endpoint(),
                "--service", "echo", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--direct", "mutually exclusive");
    }

    @Test
    void serviceWithoutBrokerIsUsageError() {
        CliRun run = CliRun.of("call", "--service", "echo", "hello");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--connect");
    }
}
