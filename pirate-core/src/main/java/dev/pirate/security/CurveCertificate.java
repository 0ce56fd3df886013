package dev.pirate.security;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.zeromq.ZCert;
import org.zeromq.ZConfig;

import com.neilalexander.jnacl.crypto.curve25519;

/**
 * A CURVE key pair, or a public key alone, as ZeroMQ certificates hold them.
 * <p>
 * A certificate file is ZeroMQ's usual text format (ZPL, as written by czmq's {@code zcert} and
 * read by pyzmq's {@code zmq.auth.load_certificate}): a {@code curve} section with
 * {@code public-key} and, in the secret file, {@code secret-key}, each as 40 Z85 characters.
 * {@link #save(Path)} writes a pair as two files, {@code NAME} (public, to hand out) and
 * {@code NAME_secret} (to keep), the names czmq uses.
 * <pre>{@code
 * CurveCertificate broker = CurveCertificate.generate();
 * broker.save(Path.of("keys/broker"));          // keys/broker and keys/broker_secret
 * CurveCertificate loaded = CurveCertificate.load(Path.of("keys/broker_secret"));
 * }</pre>
 * {@link #toString()} shows the public key only.
 */
public final class CurveCertificate {

    /** The suffix czmq gives the file that holds the secret key. */
    public static final String SECRET_SUFFIX = "_secret";

    private final byte[] publicKey;

    private final byte[] secretKey;

    private final String publicKeyText;

    private CurveCertificate(byte[] publicKey, byte[] secretKey) {
        this.publicKey = publicKey;
        this.secretKey = secretKey;
        this.publicKeyText = CurveKeys.encode(publicKey);
    }

    /**
     * Generates a new key pair from a secure random source.
     * @return a certificate with both keys
     */
    public static CurveCertificate generate() {
        ZCert cert = new ZCert();
        return new CurveCertificate(cert.getPublicKey(), cert.getSecretKey());
    }

    /**
     * Makes a certificate of a public key alone, for a peer whose secret key is not ours.
     * @param publicKey the public key in Z85 (40 characters)
     * @return the certificate
     * @throws IllegalArgumentException if the key is not a Z85 CURVE key
     */
    public static CurveCertificate ofPublicKey(String publicKey) {
        return new CurveCertificate(CurveKeys.decode(publicKey, "public key"), null);
    }

    /**
     * Makes a certificate of a secret key, deriving its public key.
     * @param secretKey the secret key in Z85 (40 characters)
     * @return the certificate with both keys
     * @throws IllegalArgumentException if the key is not a Z85 CURVE key
     */
    public static CurveCertificate ofSecretKey(String secretKey) {
        return ofSecretKey(secretKey, "secret key");
    }

    static CurveCertificate ofSecretKey(String secretKey, String what) {
        byte[] secret = CurveKeys.decode(secretKey, what);
        return new CurveCertificate(publicKeyOf(secret), secret);
    }

    /**
     * Reads a certificate file: a secret certificate gives both keys, a public one the public key.
     * @param file the file
     * @return the certificate
     * @throws IllegalArgumentException naming the file if it is missing, unreadable, not a
     *         certificate, or holds a secret key that does not belong to its public key
     */
    public static CurveCertificate load(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Certificate file " + file + " does not exist");
        }
        ZConfig config;
        try {
            config = ZConfig.load(file.toString());
        }
        catch (IOException | RuntimeException ex) {
            throw new IllegalArgumentException("Certificate file " + file + " cannot be read as a ZeroMQ certificate: "
                    + ex.getMessage(), ex);
        }
        String publicText = config.getValue("curve/public-key");
        String secretText = config.getValue("curve/secret-key");
        if (publicText == null) {
            throw new IllegalArgumentException("Certificate file " + file + " has no curve/public-key");
        }
        byte[] publicKey = CurveKeys.decode(publicText, "curve/public-key of " + file);
        if (secretText == null) {
            return new CurveCertificate(publicKey, null);
        }
        byte[] secretKey = CurveKeys.decode(secretText, "curve/secret-key of " + file);
        if (!Arrays.equals(publicKeyOf(secretKey), publicKey)) {
            throw new IllegalArgumentException("Certificate file " + file
                    + ": its curve/secret-key does not belong to its curve/public-key");
        }
        return new CurveCertificate(publicKey, secretKey);
    }

    private static byte[] publicKeyOf(byte[] secretKey) {
        byte[] publicKey = new byte[CurveKeys.KEY_BYTES];
        curve25519.crypto_scalarmult_base(publicKey, secretKey);
        return publicKey;
    }

    /**
     * Returns the public key.
     * @return 40 Z85 characters
     */
    public String publicKey() {
        return this.publicKeyText;
    }

    /**
     * Returns the secret key, for a tool that shows or stores it; never log it.
     * @return 40 Z85 characters
     * @throws IllegalStateException if this certificate has no secret key
     */
    public String secretKey() {
        return CurveKeys.encode(secretKeyBytes());
    }

    /**
     * Tells whether this certificate holds a secret key, as a socket's own certificate must.
     * @return {@code true} for a key pair
     */
    public boolean hasSecretKey() {
        return this.secretKey != null;
    }

    byte[] publicKeyBytes() {
        return this.publicKey.clone();
    }

    byte[] secretKeyBytes() {
        if (this.secretKey == null) {
            throw new IllegalStateException("Certificate " + this.publicKeyText + " has no secret key");
        }
        return this.secretKey.clone();
    }

    /**
     * Writes the certificate as ZeroMQ certificate files: the public one at {@code publicFile} and,
     * for a key pair, the secret one beside it, named with {@value #SECRET_SUFFIX} appended and
     * readable by its owner only where the file system allows. Never overwrites: if either file
     * exists, nothing is written.
     * @param publicFile where the public certificate goes; its directory must exist
     * @return the files written, public first
     * @throws FileAlreadyExistsException if either file exists
     * @throws IOException if a file cannot be written
     */
    public List<Path> save(Path publicFile) throws IOException {
        Path secretFile = publicFile.resolveSibling(publicFile.getFileName() + SECRET_SUFFIX);
        for (Path file : List.of(publicFile, secretFile)) {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a certificate");
            }
        }
        ZCert cert = (this.secretKey != null) ? new ZCert(this.publicKey, this.secretKey) : new ZCert(this.publicKeyText);
        if (this.secretKey == null) {
            write(publicFile, cert, false);
            return List.of(publicFile);
        }
        write(secretFile, cert, true);
        try {
            write(publicFile, cert, false);
        }
        catch (IOException ex) {
            Files.deleteIfExists(secretFile);
            throw ex;
        }
        return List.of(publicFile, secretFile);
    }

    private static void write(Path file, ZCert cert, boolean secret) throws IOException {
        // Fails if the file exists: one that appeared since the check above is not overwritten either.
        Files.createFile(file);
        if (secret) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            catch (UnsupportedOperationException ex) {
                // Not a POSIX file system: the user protects the file as that system allows.
            }
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (secret) {
                cert.saveSecret(out);
            }
            else {
                cert.savePublic(out);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CurveCertificate that && Arrays.equals(this.publicKey, that.publicKey)
                && Arrays.equals(this.secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(this.publicKey);
    }

    @Override
    public String toString() {
        return "CurveCertificate[public-key=" + this.publicKeyText + (hasSecretKey() ? ", with secret key]" : "]");
    }
}
