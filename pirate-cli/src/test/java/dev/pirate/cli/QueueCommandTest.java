package dev.pirate.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.client.DirectClient;
import dev.pirate.testing.RawPeer;
import dev.pirate.worker.QueueWorker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link QueueCommand}.
 */
@Timeout(30)
class QueueCommandTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(250);

    @Test
    void paranoidQueuePrintsBothEndpointsAndRoutesRequestsToAPppWorker() {
        try (BackgroundRun queue = BackgroundRun.start("queue", "--mode", "paranoid", "--frontend",
                "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*", "--heartbeat", "250ms")) {
            String[] endpoints = queue.awaitLine("queue listening on ").split(" ");
            assertThat(endpoints).hasSize(2).allMatch((endpoint) -> endpoint.matches("tcp://127\\.0\\.0\\.1:\\d+"));
            try (QueueWorker worker = QueueWorker.paranoid(endpoints[1], (body) -> body)
                    .heartbeatInterval(HEARTBEAT)
                    .reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .build()) {
                worker.start();

                assertThat(echo(endpoints[0], "ahoy")).isEqualTo("ahoy");
            }
            CliRun stopped = queue.stop();
            assertThat(stopped.exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void simpleQueueRoutesRequestsToASimpleWorker() {
        try (BackgroundRun queue = BackgroundRun.start("queue", "--mode", "SIMPLE", "--frontend",
                "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*")) {
            String[] endpoints = queue.awaitLine("queue listening on ").split(" ");
            try (QueueWorker worker = QueueWorker.simple(endpoints[1], (body) -> body).build()) {
                worker.start();

                assertThat(echo(endpoints[0], "ahoy")).isEqualTo("ahoy");
            }
        }
    }

    @Test
    void queueWhoseFrontendIsTakenExitsOneNamingTheProblem() {
        try (RawPeer taken = RawPeer.bind(SocketType.ROUTER)) {
            CliRun run = CliRun.of("queue", "--mode", "simple", "--frontend", taken.endpoint(), "--backend",
                    "tcp://127.0.0.1:*");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
            assertThat(run.errLines()).singleElement().asString().contains("Cannot bind queue");
        }
    }

    @Test
    void unknownModeIsUsageErrorListingTheModes() {
        CliRun run = CliRun.of("queue", "--mode", "lazy", "--frontend", "tcp://127.0.0.1:*", "--backend",
                "tcp://127.0.0.1:*");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--mode", "lazy", "SIMPLE", "PARANOID");
    }

    @Test
    void zeroLivenessIsUsageError() {
        CliRun run = CliRun.of("queue", "--mode", "paranoid", "--frontend", "tcp://127.0.0.1:*", "--backend",
                "tcp://127.0.0.1:*", "--liveness", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("liveness");
    }

    private static String echo(String endpoint, String body) {
        try (DirectClient client = DirectClient.builder(endpoint).timeout(Duration.ofSeconds(2)).build()) {
            return new String(client.request(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        }
    }
}
