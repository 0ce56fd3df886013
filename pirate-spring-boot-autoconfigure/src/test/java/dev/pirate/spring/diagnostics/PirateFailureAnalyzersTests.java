package dev.pirate.spring.diagnostics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.autoconfigure.PirateAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link BrokerBindFailureAnalyzer} and {@link MajordomoServiceDeclarationFailureAnalyzer}:
 * an application that cannot start prints Boot's failure report with the true reason and an action,
 * not a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class PirateFailureAnalyzersTests {

    @Test
    void aBrokerPortInUseIsReportedWithTheEndpointAndAnAction(CapturedOutput output) {
        try (MajordomoBroker holder = MajordomoBroker.builder().bind("tcp://127.0.0.1:*").build()) {
            holder.start();
            String taken = holder.connectEndpoint();
            assertThatException().isThrownBy(() -> run(Empty.class, "pirate.broker.bind=" + taken));
            assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("The embedded Pirate broker could not bind " + taken + ": the port is already in use.")
                .contains("Stop the process that listens on " + taken + ", or set pirate.broker.bind");
        }
    }

    @Test
    void aBrokerAddressThisHostDoesNotHaveIsNotReportedAsAPortInUse(CapturedOutput output) {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this host. JeroMQ says "in use".
        assertThatException().isThrownBy(() -> run(Empty.class, "pirate.broker.bind=tcp://192.0.2.1:5555"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("could not bind tcp://192.0.2.1:5555: the address is not one of this host's.")
            .contains("Set pirate.broker.bind to an address of this host")
            .doesNotContain("already in use");
    }

    @Test
    void aBadServiceDeclarationIsReportedNamingTheBeanAndTheFix(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(TwoWords.class, "pirate.broker.bind=tcp://127.0.0.1:*"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("The @MajordomoService bean '" + TwoWordsService.class.getName() + "' has an invalid service name 'two words'.")
            .contains("Change the bean: use 1 to 255 printable ASCII characters without spaces.");
    }

    private static void run(Class<?> configuration, String... properties) {
        new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off", "pirate.broker.enabled=true",
                    "pirate.worker.shutdown-grace-period=1s")
            .properties(properties)
            .run()
            .close();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PirateAutoConfiguration.class)
    static class Empty {

    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(PirateAutoConfiguration.class)
    @Import(TwoWordsService.class)
    static class TwoWords {

    }

    @MajordomoService("two words")
    static class TwoWordsService {

        @MajordomoHandler
        String handle(String text) {
            return text;
        }
    }
}
