package dev.pirate.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tests for {@link Endpoints#isReachableFromOtherHosts(String)}, which decides whether a broker
 * bound in plain text warns that it is exposed.
 */
class EndpointsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            tcp://*:5555,          true
            tcp://0.0.0.0:5555,    true
            tcp://10.1.2.3:5555,   true
            tcp://broker.lan:5555, true
            tcp://127.0.0.1:5555,  false
            tcp://127.0.0.1:*,     false
            tcp://localhost:5555,  false
            tcp://[::1]:5555,      false
            ipc:///tmp/pirate,     false
            inproc://pirate,       false
            """)
    void onlyTcpBeyondLoopbackIsReachableFromOtherHosts(String endpoint, boolean reachable) {
        assertThat(Endpoints.isReachableFromOtherHosts(endpoint)).isEqualTo(reachable);
    }
}
