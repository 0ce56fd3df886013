package dev.pirate.spring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateRefusedException;
import dev.pirate.protocol.RefusalReason;
import dev.pirate.security.ClientSecurity;
import dev.pirate.security.CurveCertificate;
import dev.pirate.spring.PirateClient;
import dev.pirate.spring.health.BrokerHealthIndicator;
import dev.pirate.spring.worker.MajordomoWorkerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code pirate.security.*} in {@link PirateAutoConfiguration}: CURVE for the embedded
 * broker, the workers and the client, service rules, and start-up checks that name the property.
 */
@Timeout(60)
class PirateSecurityAutoConfigurationTests {

    private static final CurveCertificate APP = CurveCertificate.generate();

    private static final CurveCertificate OTHER = CurveCertificate.generate();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PirateAutoConfiguration.class))
        .withPropertyValues("pirate.broker.bind=tcp://127.0.0.1:*");

    @TempDir
    Path keys;

    private Path save(String name, CurveCertificate certificate) {
        try {
            certificate.save(this.keys.resolve(name));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this.keys.resolve(name);
    }

    private Path appSecretFile() {
        save("app", APP);
        return this.keys.resolve("app" + CurveCertificate.SECRET_SUFFIX);
    }

    @Test
    void withACertificateTheEmbeddedBrokerWorkersAndClientAllUseCurve() {
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + appSecretFile())
            .withUserConfiguration(EchoServiceConfiguration.class)
            .run((context) -> {
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                assertThat(broker.isCurve()).isTrue();
                assertThat(context.getBean(PirateClient.class).request("echo", "secret hello"))
                    .isEqualTo("secret hello");
                assertThat(context.getBean(PirateClient.class).majordomoClient().isCurve()).isTrue();
                assertThat(context.getBean(MajordomoWorkerContainer.class).getWorkers())
                    .allSatisfy((worker) -> assertThat(worker.isCurve()).isTrue());
                Health health = new BrokerHealthIndicator(broker).health();
                assertThat(health.getDetails()).containsEntry("curve", true);
                assertThat(health.getDetails().toString()).doesNotContain(APP.publicKey());
            });
    }

    @Test
    void theEmbeddedBrokerLetsInOnlyAuthorizedKeysAndEnforcesServiceRules() {
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + appSecretFile(),
                    "pirate.security.authorized-keys=" + OTHER.publicKey(),
                    "pirate.security.services[echo].workers=" + APP.publicKey(),
                    "pirate.security.services[echo].clients=" + APP.publicKey())
            .withUserConfiguration(EchoServiceConfiguration.class)
            .run((context) -> {
                assertThat(context.getBean(PirateClient.class).request("echo", "mine")).isEqualTo("mine");
                MajordomoBroker broker = context.getBean(MajordomoBroker.class);
                try (MajordomoClient other = MajordomoClient.builder(broker.connectEndpoint())
                    .security(ClientSecurity.of(APP.publicKey(), OTHER))
                    .timeout(Duration.ofSeconds(10))
                    .retries(0)
                    .build()) {
                    assertThat(other.serviceExists("echo")).as("mmi.* is open to every allowed key").isTrue();
                    assertThatThrownBy(() -> other.request("echo", "x".getBytes()))
                        .isInstanceOfSatisfying(PirateRefusedException.class,
                                (ex) -> assertThat(ex.reason()).isEqualTo(RefusalReason.FORBIDDEN));
                }
            });
    }

    @Test
    void plainTextStaysTheDefault() {
        this.contextRunner.withPropertyValues("pirate.broker.enabled=true").run((context) -> {
            assertThat(context.getBean(MajordomoBroker.class).isCurve()).isFalse();
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(new BrokerHealthIndicator(context.getBean(MajordomoBroker.class))
                    .health()
                    .getDetails()).containsEntry("curve", false));
        });
    }

    @Test
    void aSecretKeyOfTheWrongLengthFailsStartupWithoutShowingIt() {
        this.contextRunner.withPropertyValues("pirate.security.secret-key=tooShortToBeAKey")
            .run((context) -> {
                assertFailureNames(context.getStartupFailure(), "pirate.security.secret-key");
                assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("40 Z85 characters")
                    .hasMessageNotContaining("tooShortToBeAKey");
            });
    }

    @Test
    void aMissingCertificateFileFailsStartupNamingTheProperty() {
        this.contextRunner.withPropertyValues("pirate.security.certificate=" + this.keys.resolve("missing_secret"))
            .run((context) -> {
                assertFailureNames(context.getStartupFailure(), "pirate.security.certificate");
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("does not exist");
            });
    }

    @Test
    void aPublicCertificateInPlaceOfTheSecretOneFailsStartup() {
        Path publicFile = save("public-only", APP);
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + publicFile)
            .run((context) -> assertFailureNames(context.getStartupFailure(), "pirate.security.certificate"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            pirate.security.server-key                | not-a-key
            pirate.security.server-certificate        | /nonexistent/broker
            pirate.security.authorized-keys[0]        | not-a-key
            pirate.security.authorized-keys-directory | /nonexistent/allowed
            pirate.client.direct.billing.server-key   | not-a-key
            """)
    void aBadSecurityValueFailsStartupNamingTheProperty(String property, String value) throws IOException {
        Path secret = appSecretFile();
        String name = property.endsWith("[0]") ? property.substring(0, property.length() - 3) : property;
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + secret,
                    name + "=" + value, "pirate.client.direct.billing.endpoint=tcp://localhost:5556")
            .run((context) -> assertFailureNames(context.getStartupFailure(), property));
    }

    @Test
    void aBadServiceRuleFailsStartupNamingTheService() {
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + appSecretFile(),
                    "pirate.security.services[payments].workers=not-a-key")
            .run((context) -> {
                assertFailureNames(context.getStartupFailure(), "pirate.security.services[payments]");
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("workers");
            });
    }

    @Test
    void aRemoteBrokerNeedsItsPublicKey() {
        this.contextRunner.withPropertyValues("pirate.security.certificate=" + appSecretFile())
            .run((context) -> assertFailureNames(context.getStartupFailure(), "pirate.security.server-key"));
    }

    @Test
    void curveSettingsWithoutAKeyPairFailStartupInsteadOfBeingIgnored() {
        this.contextRunner.withPropertyValues("pirate.security.server-key=" + OTHER.publicKey())
            .run((context) -> {
                assertFailureNames(context.getStartupFailure(), "pirate.security.server-key");
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("pirate.security.certificate");
            });
    }

    @Test
    void aCertificateDirectoryThatExistsIsAccepted() throws IOException {
        Path allowed = Files.createDirectory(this.keys.resolve("allowed"));
        this.contextRunner
            .withPropertyValues("pirate.broker.enabled=true", "pirate.security.certificate=" + appSecretFile(),
                    "pirate.security.authorized-keys-directory=" + allowed)
            .run((context) -> assertThat(context).hasNotFailed());
    }

    private static void assertFailureNames(Throwable failure, String property) {
        assertThat(failure).as("start-up failure").isNotNull();
        assertThat(failure).rootCause()
            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
            .satisfies((ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
                .isEqualTo(property));
    }
}
