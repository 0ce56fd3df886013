/**
 * The {@code pirate} command line: one picocli command class per subcommand under
 * {@link dev.pirate.cli.PirateCommand}. Results go to stdout, logs and errors to stderr.
 */
package dev.pirate.cli;
