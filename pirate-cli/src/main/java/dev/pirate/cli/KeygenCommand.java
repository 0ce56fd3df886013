package dev.pirate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.pirate.security.CurveCertificate;

/**
 * {@code pirate keygen}: generates a CURVE key pair. With {@code --out DIR/NAME} it writes the
 * ZeroMQ certificate files {@code NAME} (public, to hand out) and {@code NAME_secret} (to keep) and
 * never overwrites either; without it, it prints both keys.
 */
@Command(name = "keygen", description = "Generates a CURVE key pair: ZeroMQ certificate files with --out, "
        + "else both keys on stdout.")
final class KeygenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR/NAME",
            description = "Write the certificates NAME (public) and NAME_secret (secret, owner-only) in DIR; "
                    + "an existing file is never overwritten.")
    private Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = this.spec.commandLine().getOut();
        PrintWriter stderr = this.spec.commandLine().getErr();
        CurveCertificate certificate = CurveCertificate.generate();
        if (this.out == null) {
            stdout.println("public-key = \"" + certificate.publicKey() + "\"");
            stdout.println("secret-key = \"" + certificate.secretKey() + "\"");
            stdout.flush();
            return ExitCodes.OK;
        }
        Path directory = this.out.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            stderr.println("--out: directory " + directory + " does not exist");
            stderr.flush();
            return ExitCodes.USAGE;
        }
        try {
            List<Path> written = certificate.save(this.out);
            stdout.println("public key " + certificate.publicKey());
            written.forEach((file) -> stdout.println("wrote " + file));
            stdout.flush();
            return ExitCodes.OK;
        }
        catch (FileAlreadyExistsException ex) {
            stderr.println("Refusing to overwrite " + ex.getFile() + "; choose another --out");
            stderr.flush();
            return ExitCodes.FAILURE;
        }
        catch (IOException ex) {
            stderr.println("Cannot write the certificate: " + ex.getMessage());
            stderr.flush();
            return ExitCodes.FAILURE;
        }
    }
}
