package dev.pirate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import dev.pirate.security.ServerSecurity;
import dev.pirate.security.ServiceRules;

/**
 * CURVE options of a command that binds: the server's own certificate turns CURVE on, and the
 * allow-list says which client and worker keys get in. Use as a {@code @Mixin}.
 */
public final class CurveServerOptions {

    @Option(names = "--certificate", paramLabel = "FILE",
            description = "This server's certificate with its secret key (the NAME_secret file of 'pirate keygen'): "
                    + "serve with CURVE.")
    private Path certificate;

    @Option(names = "--authorized-key", paramLabel = "KEY",
            description = "Public key (40 Z85 characters) of a client or worker to let in; repeatable.")
    private List<String> authorizedKeys = new ArrayList<>();

    @Option(names = "--authorized-keys-dir", paramLabel = "DIR",
            description = "Directory of public certificates to let in, read again when a file in it changes.")
    private Path authorizedKeysDirectory;

    @Option(names = "--allow-any-key",
            description = "Let any key in: traffic encrypted, peers not authenticated.")
    private boolean allowAnyKey;

    /**
     * Returns the CURVE settings the options describe.
     * @param commandLine the command, for usage errors
     * @param rules who may serve and call which service ({@link ServiceRules#NONE} for no rules)
     * @return the settings, or {@code null} for plain text
     * @throws ParameterException naming the option if a key, file or directory is wrong
     */
    public ServerSecurity security(CommandLine commandLine, ServiceRules rules) {
        if (this.certificate == null) {
            if (!this.authorizedKeys.isEmpty() || this.authorizedKeysDirectory != null || this.allowAnyKey
                    || !rules.isEmpty()) {
                throw new ParameterException(commandLine,
                        "--authorized-key, --authorized-keys-dir, --allow-any-key and service rules need --certificate");
            }
            return null;
        }
        ServerSecurity.Builder builder = ServerSecurity
            .builder(CurveOptions.loadSecret(commandLine, "--certificate", this.certificate))
            .allowAnyKey(this.allowAnyKey)
            .rules(rules);
        try {
            builder.allowKeys(this.authorizedKeys);
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterException(commandLine, "--authorized-key: " + ex.getMessage());
        }
        if (this.authorizedKeysDirectory != null) {
            try {
                builder.allowDirectory(this.authorizedKeysDirectory);
            }
            catch (IllegalArgumentException ex) {
                throw new ParameterException(commandLine, "--authorized-keys-dir: " + ex.getMessage());
            }
        }
        try {
            return builder.build();
        }
        catch (IllegalStateException ex) {
            throw new ParameterException(commandLine,
                    "--certificate needs --authorized-key, --authorized-keys-dir or --allow-any-key: no client could "
                            + "get in");
        }
    }
}
