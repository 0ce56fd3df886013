package dev.pirate.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;

import dev.pirate.testing.RawPeer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MmiCommand}.
 */
@Timeout(30)
class MmiCommandTest {

    private LocalBroker broker;

    @BeforeEach
    void startBrokerAndWorker() {
        this.broker = LocalBroker.start();
        this.broker.withWorker("echo", (body) -> body);
    }

    @AfterEach
    void stopBrokerAndWorker() {
        this.broker.close();
    }

    @Test
    void mmiPrints200ForServiceWithWorker() {
        CliRun run = CliRun.of("mmi", "--connect", this.broker.endpoint(), "echo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsExactly("200");
    }

    @Test
    void mmiPrints404ForServiceWithoutWorker() {
        CliRun run = CliRun.of("mmi", "--connect", this.broker.endpoint(), "parrot");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsExactly("404");
    }

    @Test
    void mmiToSilentBrokerExitsTwoAfterItsRetries() {
        try (RawPeer silent = RawPeer.bind(SocketType.ROUTER)) {
            CliRun run = CliRun.of("mmi", "--connect", silent.endpoint(), "--timeout", "200ms", "echo");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).singleElement().asString().contains("No reply", "4 attempts");
        }
    }

    @Test
    void mmiWithBadDurationIsUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("mmi", "--connect", this.broker.endpoint(), "--timeout", "-1s", "echo");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--timeout", "'-1s'");
    }
}
