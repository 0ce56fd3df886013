package dev.pirate.cli;

import java.util.List;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;
import dev.pirate.protocol.Mdp;
import dev.pirate.security.ClientSecurity;

/**
 * Where requests go: a service behind a Majordomo broker ({@code --connect} with {@code --service}),
 * or a plain REP server, a Pirate queue or a threaded server reached with Lazy Pirate ({@code --direct}).
 * Use it as {@code @ArgGroup(exclusive = true, multiplicity = "1")}, so picocli rejects a command
 * line that names both or neither.
 */
public final class TargetOptions {

    @ArgGroup(exclusive = false)
    private Brokered brokered;

    @Option(names = "--direct", required = true, paramLabel = "ENDPOINT",
            description = "A REP server or Pirate queue frontend to call without a broker, e.g. tcp://localhost:5555.")
    private String direct;

    /**
     * Checks the endpoint option given, before the command starts anything.
     * @param commandLine the command, for the usage error
     * @throws picocli.CommandLine.ParameterException naming the option if it is not a ZeroMQ endpoint
     */
    public void checkEndpoint(CommandLine commandLine) {
        if (this.direct != null) {
            EndpointOption.check(commandLine, "--direct", this.direct);
        }
        else {
            EndpointOption.checkAll(commandLine, "--connect", this.brokered.endpoints);
        }
    }

    /**
     * Opens a client for the target.
     * @param options the timeout, retries, deadline and back-off of every request
     * @param security CURVE settings, or {@code null} for plain text
     * @return the requester; the caller closes it
     * @throws IllegalArgumentException if the service name is invalid
     */
    public Requester open(CallOptions options, ClientSecurity security) {
        if (this.direct != null) {
            DirectClient client = DirectClient.builder(this.direct).defaults(options).security(security).build();
            return new DirectRequester(client);
        }
        String service = this.brokered.service;
        // Checked here, so a benchmark fails on its command line rather than on every request.
        if (!Mdp.isValidServiceName(service)) {
            throw new IllegalArgumentException("Invalid service name '" + service
                    + "': use 1 to 255 printable ASCII characters without spaces");
        }
        List<String> endpoints = this.brokered.endpoints;
        MajordomoClient client = ((endpoints.size() == 1) ? MajordomoClient.builder(endpoints.get(0))
                : MajordomoClient.builder(endpoints)).defaults(options).security(security).build();
        return new BrokeredRequester(client, service);
    }

    /**
     * Returns the broker endpoint, or {@code null} for a {@code --direct} target.
     * @return the first endpoint of {@code --connect}
     */
    public String brokerEndpoint() {
        return (this.brokered != null) ? this.brokered.endpoints.get(0) : null;
    }

    /**
     * Returns every broker endpoint, or an empty list for a {@code --direct} target.
     * @return the endpoints of {@code --connect}
     */
    public List<String> brokerEndpoints() {
        return (this.brokered != null) ? this.brokered.endpoints : List.of();
    }

    /**
     * Returns the service name, or {@code null} for a {@code --direct} target.
     * @return the name given with {@code --service}
     */
    public String service() {
        return (this.brokered != null) ? this.brokered.service : null;
    }

    /**
     * Describes the target for people, e.g. {@code 'echo' via tcp://127.0.0.1:5555}.
     * @return the description
     */
    public String describe() {
        return (this.direct != null) ? this.direct
                : "'" + this.brokered.service + "' via " + String.join(",", this.brokered.endpoints);
    }

    /** The broker options, which only make sense together. */
    static final class Brokered {

        @Option(names = "--connect", required = true, split = ",", paramLabel = "ENDPOINT",
                description = "Broker endpoint, e.g. tcp://localhost:5555; several brokers separated by commas: "
                        + "requests go round robin over those that answer, and an attempt that times out is sent "
                        + "again to another broker.")
        private List<String> endpoints;

        @Option(names = "--service", required = true, paramLabel = "NAME", description = "Service to call.")
        private String service;
    }

    private record BrokeredRequester(MajordomoClient client, String service) implements Requester {

        @Override
        public List<byte[]> request(List<byte[]> body) {
            return this.client.request(this.service, body);
        }

        @Override
        public void close() {
            this.client.close();
        }
    }

    private record DirectRequester(DirectClient client) implements Requester {

        @Override
        public List<byte[]> request(List<byte[]> body) {
            return this.client.request(body);
        }

        @Override
        public void close() {
            this.client.close();
        }
    }
}
