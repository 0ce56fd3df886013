package dev.pirate.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * CURVE settings of a socket that binds (a broker, a queue, a server): its own key pair, the client
 * keys it lets in (authentication through ZAP), and, for a broker, who may serve and call which
 * service ({@link ServiceRules}).
 * <pre>{@code
 * ServerSecurity security = ServerSecurity.builder(CurveCertificate.load(Path.of("keys/broker_secret")))
 *         .allowDirectory(Path.of("keys/allowed"))      // public certificates, read again on change
 *         .allowKey(WORKER_PUBLIC_KEY)
 *         .build();
 * }</pre>
 * Traffic is encrypted and each peer authenticated with its key; a peer whose key is not allowed
 * is disconnected during the handshake, before any of its messages is delivered.
 */
public final class ServerSecurity {

    private final CurveCertificate certificate;

    private final Set<String> allowedKeys;

    private final Path allowedDirectory;

    private final boolean anyKey;

    private final ServiceRules rules;

    private ServerSecurity(Builder builder) {
        this.certificate = builder.certificate;
        this.allowedKeys = Set.copyOf(builder.allowedKeys);
        this.allowedDirectory = builder.allowedDirectory;
        this.anyKey = builder.anyKey;
        this.rules = builder.rules;
    }

    /**
     * Starts building the settings of a server with this key pair.
     * @param certificate the server's certificate, with its secret key
     * @return a builder that allows no client key yet
     * @throws IllegalArgumentException if the certificate has no secret key
     */
    public static Builder builder(CurveCertificate certificate) {
        return new Builder(certificate);
    }

    /**
     * Returns the server's public key, which clients need to connect.
     * @return 40 Z85 characters
     */
    public String publicKey() {
        return this.certificate.publicKey();
    }

    /**
     * Returns who may serve and call which service.
     * @return the rules; {@link ServiceRules#NONE} when authorization is off
     */
    public ServiceRules rules() {
        return this.rules;
    }

    /**
     * Tells whether any client key is let in (encryption without authentication).
     * @return {@code true} if no allow-list applies
     */
    public boolean allowsAnyKey() {
        return this.anyKey;
    }

    /**
     * Starts answering authentication requests for every CURVE server socket of a context. Call it
     * before such a socket binds (ZeroMQ lets every key in while no handler runs), once per context,
     * and close what it returns before closing the context.
     * @param context the context of the server sockets
     * @param threadName the name of the handler's thread
     * @param onFailure told if the handler dies; the owner must then stop its server sockets
     * @return the running handler
     */
    public Authentication startAuthentication(ZContext context, String threadName, Consumer<Throwable> onFailure) {
        ZapHandler handler = new ZapHandler(context, new AllowList(this.anyKey, this.allowedKeys, this.allowedDirectory));
        handler.start(threadName, onFailure);
        return handler::close;
    }

    /**
     * Makes a socket a CURVE server, with a handshake limit of 10 s rather than Pirate's 1 s: a
     * CURVE handshake costs JeroMQ tens of milliseconds of CPU. Call before it binds.
     * @param socket the socket
     */
    public void applyTo(ZMQ.Socket socket) {
        socket.setHandshakeIvl(CurveKeys.HANDSHAKE_MILLIS);
        socket.setCurveServer(true);
        socket.setCurvePublicKey(this.certificate.publicKeyBytes());
        socket.setCurveSecretKey(this.certificate.secretKeyBytes());
    }

    @Override
    public String toString() {
        return "ServerSecurity[public-key=" + publicKey() + ", allowed keys=" + this.allowedKeys.size()
                + ((this.allowedDirectory != null) ? ", directory=" + this.allowedDirectory : "")
                + (this.anyKey ? ", any key" : "") + ", rules=" + this.rules.services().keySet() + "]";
    }

    /**
     * A running authentication handler; closing it stops its thread.
     */
    public interface Authentication extends AutoCloseable {

        /** Stops the handler's thread; waits for it at most a few seconds. */
        @Override
        void close();
    }

    /**
     * Builds {@link ServerSecurity}. At least one way of letting clients in must be chosen.
     */
    public static final class Builder {

        private final CurveCertificate certificate;

        private final Set<String> allowedKeys = new LinkedHashSet<>();

        private Path allowedDirectory;

        private boolean anyKey;

        private ServiceRules rules = ServiceRules.NONE;

        private Builder(CurveCertificate certificate) {
            this.certificate = Objects.requireNonNull(certificate, "certificate");
            if (!certificate.hasSecretKey()) {
                throw new IllegalArgumentException("The server's certificate needs its secret key");
            }
        }

        /**
         * Lets in a client (or worker) with this public key.
         * @param publicKey a key in Z85
         * @return this builder
         * @throws IllegalArgumentException if the key is not a Z85 CURVE key
         */
        public Builder allowKey(String publicKey) {
            this.allowedKeys.add(CurveKeys.canonical(publicKey, "allowed key"));
            return this;
        }

        /**
         * Lets in clients with these public keys.
         * @param publicKeys keys in Z85
         * @return this builder
         * @throws IllegalArgumentException naming the entry if a key is not a Z85 CURVE key
         */
        public Builder allowKeys(Collection<String> publicKeys) {
            int index = 0;
            for (String key : publicKeys) {
                this.allowedKeys.add(CurveKeys.canonical(key, "allowed key " + (++index)));
            }
            return this;
        }

        /**
         * Lets in clients whose public certificate is in a directory. The directory is read again when
         * a file in it is added, removed or changed (looked at when a client connects, at most five
         * times a second); a file that is not a certificate is skipped with a warning.
         * @param directory an existing directory
         * @return this builder
         * @throws IllegalArgumentException if it is not a directory
         */
        public Builder allowDirectory(Path directory) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("Authorized keys directory " + directory + " does not exist");
            }
            this.allowedDirectory = directory;
            return this;
        }

        /**
         * Sets whether every client key is let in: traffic is encrypted, but anyone who knows the
         * server's public key may connect (default {@code false}).
         * @param anyKey {@code true} to let any key in
         * @return this builder
         */
        public Builder allowAnyKey(boolean anyKey) {
            this.anyKey = anyKey;
            return this;
        }

        /**
         * Sets who may serve and call which service (a broker enforces them; default none).
         * @param rules the rules
         * @return this builder
         */
        public Builder rules(ServiceRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /**
         * Builds the settings.
         * @return the settings
         * @throws IllegalStateException if no client could ever get in
         */
        public ServerSecurity build() {
            if (!this.anyKey && this.allowedKeys.isEmpty() && this.allowedDirectory == null) {
                throw new IllegalStateException("A CURVE server needs allowed client keys, a directory of them, "
                        + "or allowAnyKey(true)");
            }
            return new ServerSecurity(this);
        }
    }
}
