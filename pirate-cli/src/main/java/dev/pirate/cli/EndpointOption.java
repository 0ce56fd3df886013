package dev.pirate.cli;

import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import dev.pirate.support.Endpoints;

/**
 * Checks an endpoint option before a command starts anything, so {@code --connect localhost:5555}
 * (no transport) is a usage error naming the option, not a worker that says it is ready and then
 * fails every connect attempt.
 */
final class EndpointOption {

    private EndpointOption() {
    }

    /**
     * Checks one endpoint option.
     * @param commandLine the command, for the usage error
     * @param option the option's name, e.g. {@code --connect}
     * @param endpoint its value
     * @throws ParameterException naming the option if the value is not a ZeroMQ endpoint
     */
    static void check(CommandLine commandLine, String option, String endpoint) {
        try {
            Endpoints.check(endpoint, option);
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterException(commandLine, ex.getMessage(), ex, null, endpoint);
        }
    }

    /**
     * Checks an option that lists endpoints, one per broker: at least one, each valid, none twice.
     * @param commandLine the command, for the usage error
     * @param option the option's name, e.g. {@code --connect}
     * @param endpoints its values
     * @throws ParameterException naming the option if the list is not valid
     */
    static void checkAll(CommandLine commandLine, String option, List<String> endpoints) {
        try {
            Endpoints.checkAll(endpoints, option);
        }
        catch (IllegalArgumentException ex) {
            throw new ParameterException(commandLine, ex.getMessage(), ex, null, String.valueOf(endpoints));
        }
    }
}
