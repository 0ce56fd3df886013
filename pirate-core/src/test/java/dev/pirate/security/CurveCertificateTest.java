package dev.pirate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link CurveCertificate}.
 */
class CurveCertificateTest {

    @TempDir
    Path directory;

    @Test
    void aSavedPairLoadsBackFromItsSecretFileAndItsPublicFileHoldsNoSecret() throws Exception {
        CurveCertificate pair = CurveCertificate.generate();
        List<Path> written = pair.save(this.directory.resolve("broker"));
        assertThat(written).containsExactly(this.directory.resolve("broker"), this.directory.resolve("broker_secret"));

        CurveCertificate secret = CurveCertificate.load(this.directory.resolve("broker_secret"));
        assertThat(secret).isEqualTo(pair);
        assertThat(secret.hasSecretKey()).isTrue();
        CurveCertificate open = CurveCertificate.load(this.directory.resolve("broker"));
        assertThat(open.publicKey()).isEqualTo(pair.publicKey());
        assertThat(open.hasSecretKey()).isFalse();
        assertThat(Files.readString(this.directory.resolve("broker"))).contains("public-key").doesNotContain("secret-key");
        assertThat(Files.getPosixFilePermissions(this.directory.resolve("broker_secret")))
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void savingNeverOverwritesEitherFile() throws Exception {
        Files.writeString(this.directory.resolve("worker_secret"), "keep me");
        assertThatThrownBy(() -> CurveCertificate.generate().save(this.directory.resolve("worker")))
            .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(this.directory.resolve("worker_secret"))).isEqualTo("keep me");
        assertThat(this.directory.resolve("worker")).doesNotExist();
    }

    @Test
    void theSecretKeyAloneGivesThePublicKey() {
        CurveCertificate pair = CurveCertificate.generate();
        String secretZ85 = CurveKeys.encode(pair.secretKeyBytes());
        assertThat(CurveCertificate.ofSecretKey(secretZ85).publicKey()).isEqualTo(pair.publicKey());
    }

    @Test
    void aKeyOfTheWrongLengthOrAlphabetIsRefusedWithoutEchoingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> CurveCertificate.ofSecretKey("short-secret"))
            .withMessageContaining("40 Z85 characters")
            .withMessageContaining("12 characters")
            .withMessageNotContaining("short-secret");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> CurveCertificate.ofPublicKey("0123456789012345678901234567890123456 ~\""))
            .withMessageContaining("outside the Z85 alphabet");
    }

    @Test
    void aMissingOrMalformedFileIsNamedInTheMessage() throws Exception {
        Path missing = this.directory.resolve("nowhere");
        assertThatIllegalArgumentException().isThrownBy(() -> CurveCertificate.load(missing))
            .withMessageContaining(missing.toString())
            .withMessageContaining("does not exist");
        Path garbage = Files.writeString(this.directory.resolve("garbage"), "this is not\n  = a certificate\n");
        assertThatIllegalArgumentException().isThrownBy(() -> CurveCertificate.load(garbage))
            .withMessageContaining(garbage.toString());
    }

    @Test
    void aSecretKeyThatDoesNotBelongToItsPublicKeyIsRefused() throws Exception {
        CurveCertificate one = CurveCertificate.generate();
        CurveCertificate other = CurveCertificate.generate();
        Path file = Files.writeString(this.directory.resolve("mixed"), "curve\n    public-key = \"" + one.publicKey()
                + "\"\n    secret-key = \"" + CurveKeys.encode(other.secretKeyBytes()) + "\"\n");
        assertThatIllegalArgumentException().isThrownBy(() -> CurveCertificate.load(file))
            .withMessageContaining("does not belong");
    }

    @Test
    void toStringShowsThePublicKeyOnly() {
        CurveCertificate pair = CurveCertificate.generate();
        assertThat(pair.toString()).contains(pair.publicKey())
            .doesNotContain(CurveKeys.encode(pair.secretKeyBytes()));
    }
}
