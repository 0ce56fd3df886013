package dev.pirate.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;
import dev.pirate.queue.PirateQueue;
import dev.pirate.queue.QueueMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerCommand}.
 */
@Timeout(30)
class WorkerCommandTest {

    @Test
    void mdpWorkerServesItsServiceThroughABroker() {
        try (LocalBroker broker = LocalBroker.start();
                BackgroundRun worker = BackgroundRun.start("worker", "--connect", broker.endpoint(), "--service",
                        "echo", "--heartbeat", "250ms", "--concurrency", "2")) {
            worker.awaitLine("worker ready");
            try (MajordomoClient client = MajordomoClient.builder(broker.endpoint())
                    .timeout(Duration.ofSeconds(5))
                    .build()) {
                assertThat(client.request("echo", bytes("ahoy"))).asString(StandardCharsets.UTF_8).isEqualTo("ahoy");
            }
            assertThat(worker.stop().exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void mdpWorkerWithPrefetchServesThroughOneConnection() {
        try (LocalBroker broker = LocalBroker.start();
                BackgroundRun worker = BackgroundRun.start("worker", "--connect", broker.endpoint(), "--service",
                        "echo", "--heartbeat", "250ms", "--concurrency", "2", "--prefetch", "16")) {
            worker.awaitLine("worker ready");
            try (MajordomoClient client = MajordomoClient.builder(broker.endpoint())
                    .timeout(Duration.ofSeconds(5))
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.request("echo", bytes("ahoy" + i))).asString(StandardCharsets.UTF_8)
                        .isEqualTo("ahoy" + i);
                }
            }
            assertThat(broker.registeredWorkers()).as("one connection, not one per handler thread").isOne();
            assertThat(worker.stop().exitCode()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void prefetchWithAQueueProtocolIsUsageError() {
        CliRun run = CliRun.of("worker", "--protocol", "ppp", "--connect", "tcp://127.0.0.1:5555", "--prefetch", "4");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--prefetch", "mdp only");
    }

    @Test
    void pppWorkerServesAParanoidQueue() {
        assertWorkerServesQueue(QueueMode.PARANOID, "ppp");
    }

    @Test
    void simpleWorkerServesASimpleQueue() {
        assertWorkerServesQueue(QueueMode.SIMPLE, "simple");
    }

    private static void assertWorkerServesQueue(QueueMode mode, String protocol) {
        try (PirateQueue queue = PirateQueue.builder(mode, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
                .heartbeatInterval(Duration.ofMillis(250))
                .build()) {
            queue.start();
            try (BackgroundRun worker = BackgroundRun.start("worker", "--protocol", protocol, "--connect",
                    queue.backendEndpoint(), "--heartbeat", "250ms")) {
                worker.awaitLine("worker ready");
                try (DirectClient client = DirectClient.builder(queue.frontendEndpoint())
                        .timeout(Duration.ofSeconds(5))
                        .build()) {
                    assertThat(client.request(bytes("ahoy"))).asString(StandardCharsets.UTF_8).isEqualTo("ahoy");
                }
                assertThat(worker.stop().exitCode()).isEqualTo(ExitCodes.OK);
            }
        }
    }

    @Test
    void mdpWorkerWithoutServiceIsUsageError() {
        CliRun run = CliRun.of("worker", "--connect", "tcp://127.0.0.1:5555");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--service", "mdp");
    }

    @Test
    void queueWorkerWithServiceIsUsageError() {
        CliRun run = CliRun.of("worker", "--protocol", "ppp", "--connect", "tcp://127.0.0.1:5555", "--service", "echo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--service", "mdp only");
    }

    @Test
    void unknownProtocolIsUsageError() {
        CliRun run = CliRun.of("worker", "--protocol", "zmtp", "--connect", "tcp://127.0.0.1:5555");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--protocol", "zmtp");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
