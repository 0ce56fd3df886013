package dev.pirate.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.pirate.security.ClientSecurity;
import dev.pirate.security.CurveCertificate;
import dev.pirate.security.ServerSecurity;
import dev.pirate.security.ServiceRules;

/**
 * The CURVE settings {@code pirate.security.*} describe, checked at start-up: a failure names the
 * property and never repeats a secret key.
 */
final class PirateSecurity {

    private static final String PREFIX = "pirate.security.";

    /** Shown instead of a secret value in a failure message. */
    private static final String MASKED = "******";

    private final PirateProperties.Security properties;

    private final @Nullable CurveCertificate own;

    private final boolean brokerEnabled;

    private PirateSecurity(PirateProperties.Security properties, @Nullable CurveCertificate own, boolean brokerEnabled) {
        this.properties = properties;
        this.own = own;
        this.brokerEnabled = brokerEnabled;
    }

    /**
     * Reads and checks {@code pirate.security.*}.
     * @param properties all Pirate properties
     * @return the settings
     * @throws InvalidConfigurationPropertyValueException naming the first property that is wrong
     */
    static PirateSecurity from(PirateProperties properties) {
        PirateProperties.Security security = properties.getSecurity();
        CurveCertificate own = ownCertificate(security);
        PirateSecurity settings = new PirateSecurity(security, own, properties.getBroker().isEnabled());
        if (own == null) {
            requireNothingElse(properties);
            return settings;
        }
        settings.serverKey();
        if (settings.brokerEnabled) {
            settings.serverSecurity();
        }
        properties.getClient().getDirect().forEach(settings::directSecurity);
        return settings;
    }

    private static @Nullable CurveCertificate ownCertificate(PirateProperties.Security security) {
        Path file = security.getCertificate();
        String secretKey = security.getSecretKey();
        if (file != null && secretKey != null) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "secret-key", MASKED,
                    "Set either pirate.security.certificate or pirate.security.secret-key, not both");
        }
        if (secretKey != null) {
            try {
                return CurveCertificate.ofSecretKey(secretKey);
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "secret-key", MASKED, ex.getMessage());
            }
        }
        if (file == null) {
            return null;
        }
        CurveCertificate certificate = load(PREFIX + "certificate", file);
        if (!certificate.hasSecretKey()) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "certificate", file,
                    "The file holds a public key only; use the certificate with the secret key (the NAME"
                            + CurveCertificate.SECRET_SUFFIX + " file 'pirate keygen' writes)");
        }
        return certificate;
    }

    private static CurveCertificate load(String property, Path file) {
        try {
            return CurveCertificate.load(file);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException(property, file, ex.getMessage());
        }
    }

    /** Settings that only make sense with CURVE must not be silently ignored without it. */
    private static void requireNothingElse(PirateProperties properties) {
        PirateProperties.Security security = properties.getSecurity();
        requireUnset("server-key", security.getServerKey());
        requireUnset("server-certificate", security.getServerCertificate());
        requireUnset("authorized-keys", security.getAuthorizedKeys().isEmpty() ? null : security.getAuthorizedKeys());
        requireUnset("authorized-keys-directory", security.getAuthorizedKeysDirectory());
        requireUnset("allow-any-key", security.isAllowAnyKey() ? Boolean.TRUE : null);
        requireUnset("services", security.getServices().isEmpty() ? null : security.getServices().keySet());
        properties.getClient().getDirect().forEach((name, direct) -> {
            if (direct.getServerKey() != null) {
                throw new InvalidConfigurationPropertyValueException("pirate.client.direct." + name + ".server-key",
                        direct.getServerKey(), "CURVE needs pirate.security.certificate or pirate.security.secret-key");
            }
        });
    }

    private static void requireUnset(String name, @Nullable Object value) {
        if (value != null) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
                    "CURVE needs pirate.security.certificate or pirate.security.secret-key");
        }
    }

    /**
     * Tells whether CURVE is on.
     * @return {@code true} when the application has a key pair
     */
    boolean isCurve() {
        return this.own != null;
    }

    /** The public key of the broker the workers and the client connect to. */
    private String serverKey() {
        String key = this.properties.getServerKey();
        Path file = this.properties.getServerCertificate();
        if (key != null && file != null) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "server-certificate", file,
                    "Set either pirate.security.server-key or pirate.security.server-certificate, not both");
        }
        if (file != null) {
            return load(PREFIX + "server-certificate", file).publicKey();
        }
        if (key != null) {
            try {
                return CurveCertificate.ofPublicKey(key).publicKey();
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "server-key", key, ex.getMessage());
            }
        }
        if (this.brokerEnabled && this.own != null) {
            return this.own.publicKey();
        }
        throw new InvalidConfigurationPropertyValueException(PREFIX + "server-key", null,
                "The workers and the client need the public key of the broker they connect to (or "
                        + "pirate.security.server-certificate)");
    }

    /**
     * Returns the CURVE settings of the workers' and the client's connections to the broker.
     * @return the settings, or {@code null} without CURVE
     */
    @Nullable ClientSecurity brokerClientSecurity() {
        return (this.own != null) ? ClientSecurity.of(serverKey(), this.own) : null;
    }

    /**
     * Returns the CURVE settings of a direct endpoint's connections.
     * @param name the endpoint's name under {@code pirate.client.direct}
     * @param direct its properties
     * @return the settings, or {@code null} when it has no server key
     */
    @Nullable ClientSecurity directSecurity(String name, PirateProperties.Direct direct) {
        String key = direct.getServerKey();
        if (key == null || this.own == null) {
            return null;
        }
        try {
            return ClientSecurity.of(key, this.own);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("pirate.client.direct." + name + ".server-key", key,
                    ex.getMessage());
        }
    }

    /**
     * Returns the CURVE settings of the embedded broker: the application's own key pair, its own
     * public key and the authorized keys let in, and the service rules.
     * @return the settings, or {@code null} without CURVE
     */
    @Nullable ServerSecurity serverSecurity() {
        if (this.own == null) {
            return null;
        }
        ServerSecurity.Builder builder = ServerSecurity.builder(this.own)
            .allowKey(this.own.publicKey())
            .allowAnyKey(this.properties.isAllowAnyKey());
        List<String> keys = this.properties.getAuthorizedKeys();
        for (int i = 0; i < keys.size(); i++) {
            try {
                builder.allowKey(keys.get(i));
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "authorized-keys[" + i + "]", keys.get(i),
                        ex.getMessage());
            }
        }
        Path directory = this.properties.getAuthorizedKeysDirectory();
        if (directory != null) {
            if (!Files.isDirectory(directory)) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "authorized-keys-directory", directory,
                        "Directory does not exist");
            }
            builder.allowDirectory(directory);
        }
        return builder.rules(rules()).build();
    }

    private ServiceRules rules() {
        ServiceRules.Builder rules = ServiceRules.builder();
        for (Map.Entry<String, PirateProperties.ServiceAccess> entry : this.properties.getServices().entrySet()) {
            String service = entry.getKey();
            PirateProperties.ServiceAccess access = entry.getValue();
            try {
                rules.service(service, access.getWorkers(), access.getClients());
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "services[" + service + "]",
                        access.getWorkers() + " / " + access.getClients(), ex.getMessage());
            }
        }
        return rules.build();
    }
}
