package dev.pirate.security;

import java.util.Objects;

import org.zeromq.ZMQ;

/**
 * CURVE settings of a socket that connects (a client, a worker): the server's public key, which
 * authenticates the server, and the socket's own key pair, which the server checks against its
 * allow-list.
 * <pre>{@code
 * ClientSecurity security = ClientSecurity.of(BROKER_PUBLIC_KEY,
 *         CurveCertificate.load(Path.of("keys/worker_secret")));
 * }</pre>
 */
public final class ClientSecurity {

    private final byte[] serverKey;

    private final CurveCertificate certificate;

    private ClientSecurity(byte[] serverKey, CurveCertificate certificate) {
        this.serverKey = serverKey;
        this.certificate = certificate;
    }

    /**
     * Connects with a key pair of our own.
     * @param serverPublicKey the server's public key in Z85
     * @param certificate our certificate, with its secret key
     * @return the settings
     * @throws IllegalArgumentException if the server key is not a Z85 CURVE key or the certificate has
     *         no secret key
     */
    public static ClientSecurity of(String serverPublicKey, CurveCertificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        if (!certificate.hasSecretKey()) {
            throw new IllegalArgumentException("The client's certificate needs its secret key");
        }
        return new ClientSecurity(CurveKeys.decode(serverPublicKey, "server key"), certificate);
    }

    /**
     * Connects with a key pair made for this process alone: the traffic is encrypted and the server
     * authenticated, but only a server that lets any key in accepts it.
     * @param serverPublicKey the server's public key in Z85
     * @return the settings
     */
    public static ClientSecurity ephemeral(String serverPublicKey) {
        return of(serverPublicKey, CurveCertificate.generate());
    }

    /**
     * Returns our public key, the one a server's allow-list must hold.
     * @return 40 Z85 characters
     */
    public String publicKey() {
        return this.certificate.publicKey();
    }

    /**
     * Returns the public key of the server this connects to.
     * @return 40 Z85 characters
     */
    public String serverPublicKey() {
        return CurveKeys.encode(this.serverKey);
    }

    /**
     * Makes a socket a CURVE client, with a handshake limit of 10 s rather than Pirate's 1 s: a
     * CURVE handshake costs JeroMQ tens of milliseconds of CPU. Call before it connects.
     * @param socket the socket
     */
    public void applyTo(ZMQ.Socket socket) {
        socket.setHandshakeIvl(CurveKeys.HANDSHAKE_MILLIS);
        socket.setCurveServerKey(this.serverKey);
        socket.setCurvePublicKey(this.certificate.publicKeyBytes());
        socket.setCurveSecretKey(this.certificate.secretKeyBytes());
    }

    @Override
    public String toString() {
        return "ClientSecurity[public-key=" + publicKey() + ", server-key=" + serverPublicKey() + "]";
    }
}
