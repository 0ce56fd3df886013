package dev.pirate.cli;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that connects or binds checks its endpoints before it starts anything.
 */
@Timeout(30)
class EndpointOptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--connect | worker --connect localhost:5555 --service echo",
        "--connect | worker --protocol ppp --connect localhost:5556",
        "--frontend | queue --mode simple --frontend localhost:5555 --backend tcp://127.0.0.1:*",
        "--backend | queue --mode paranoid --frontend tcp://127.0.0.1:* --backend tcp://127.0.0.1",
        "--bind | server --bind *:5555",
        "--bind | broker --bind localhost:5555",
        "--connect | call --connect localhost:5555 --service echo hello",
        "--direct | call --direct 127.0.0.1:5555 hello",
        "--connect | mmi --connect localhost:5555 echo",
        "--direct | bench --direct localhost:5555 --requests 1",
    })
    void anEndpointWithoutTransportIsAUsageErrorNamingTheOption(String option, String commandLine) {
        CliRun run = CliRun.of(commandLine.split(" "));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines().get(0)).contains(option, "ZeroMQ endpoint", "tcp://HOST:PORT");
        assertThat(run.out()).doesNotContain("ready", "listening");
    }
}
