package dev.pirate.cli;

import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import dev.pirate.security.ClientSecurity;
import dev.pirate.security.CurveCertificate;

/**
 * CURVE options of a command that connects: the server's public key turns CURVE on. Use as a
 * {@code @Mixin}.
 */
public final class CurveClientOptions {

    @Option(names = "--server-key", paramLabel = "KEY",
            description = "Public key (40 Z85 characters) of the broker, queue or server: connect with CURVE. "
                    + "Quote it in the shell.")
    private String serverKey;

    @Option(names = "--server-certificate", paramLabel = "FILE",
            description = "The server's public certificate file, instead of --server-key.")
    private Path serverCertificate;

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "This process's certificate with its secret key (the NAME_secret file of 'pirate keygen'). "
                    + "Without it, a key pair made for this run, which only a server that allows any key lets in.")
    private Path certificate;

    /**
     * Returns the CURVE settings the options describe.
     * @param commandLine the command, for usage errors
     * @return the settings, or {@code null} for plain text
     * @throws ParameterException naming the option if a key or file is wrong
     */
    public ClientSecurity security(CommandLine commandLine) {
        if (this.serverKey != null && this.serverCertificate != null) {
            throw new ParameterException(commandLine, "Use --server-key or --server-certificate, not both");
        }
        String server = this.serverKey;
        if (this.serverCertificate != null) {
            server = CurveOptions.load(commandLine, "--server-certificate", this.serverCertificate).publicKey();
        }
        if (server == null) {
            if (this.certificate != null) {
                throw new ParameterException(commandLine,
                        "--certificate needs --server-key or --server-certificate (the server's public key)");
            }
            return null;
        }
        CurveCertificate own = (this.certificate != null)
                ? CurveOptions.loadSecret(commandLine, "--certificate", this.certificate) : CurveCertificate.generate();
        try {
            return ClientSecurity.of(server, own);
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterException(commandLine, "--server-key: " + ex.getMessage());
        }
    }
}
