package dev.pirate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PirateCommand}.
 */
@Timeout(10)
class PirateCommandTest {

    @Test
    void versionPrintsTheProjectVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).singleElement().asString().matches("pirate \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void missingSubcommandIsUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Missing required subcommand", "broker", "worker", "call", "mmi", "queue",
                "server", "bench", "bench-raw");
    }

    @Test
    void unknownOptionOfSubcommandIsUsageError() {
        CliRun run = CliRun.of("broker", "--bind", "tcp://127.0.0.1:*", "--colour", "red");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--colour");
    }

    @Test
    void rejectedBrokerSettingIsUsageErrorOnOneLine() {
        CliRun run = CliRun.of("broker", "--bind", "tcp://127.0.0.1:*", "--liveness", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("liveness");
    }

    @Test
    void badWorkerHeartbeatIsUsageErrorNamingTheOption() {
        CliRun run = CliRun.of("worker", "--connect", "tcp://127.0.0.1:5555", "--service", "echo", "--heartbeat", "0s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains("--heartbeat", "'0s'");
    }
}
