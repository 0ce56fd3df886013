package dev.pirate.cli;

import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import dev.pirate.security.CurveCertificate;

/**
 * Reads the certificate files named by CURVE options, turning a bad file into a usage error that
 * names the option.
 */
final class CurveOptions {

    private CurveOptions() {
    }

    static CurveCertificate load(CommandLine commandLine, String option, Path file) {
        try {
            return CurveCertificate.load(file);
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterException(commandLine, option + ": " + ex.getMessage());
        }
    }

    static CurveCertificate loadSecret(CommandLine commandLine, String option, Path file) {
        CurveCertificate certificate = load(commandLine, option, file);
        if (!certificate.hasSecretKey()) {
            throw new ParameterException(commandLine, option + ": " + file + " holds a public key only; use the "
                    + "certificate with the secret key (NAME" + CurveCertificate.SECRET_SUFFIX + ")");
        }
        return certificate;
    }
}
