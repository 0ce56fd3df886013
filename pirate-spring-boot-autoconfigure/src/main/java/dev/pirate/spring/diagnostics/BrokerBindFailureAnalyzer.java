package dev.pirate.spring.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pirate.broker.BrokerBindException;

/**
 * Reports an embedded broker that could not bind its endpoint, with the true reason (a port in use,
 * an address this host does not have, a host name that does not resolve) and what to change.
 */
class BrokerBindFailureAnalyzer extends AbstractFailureAnalyzer<BrokerBindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BrokerBindException cause) {
        String endpoint = cause.endpoint();
        String description = switch (cause.reason()) {
            case ADDRESS_IN_USE -> "The embedded Pirate broker could not bind " + endpoint
                    + ": the port is already in use.";
            case ADDRESS_NOT_AVAILABLE -> "The embedded Pirate broker could not bind " + endpoint
                    + ": the address is not one of this host's.";
            case UNKNOWN_HOST -> "The embedded Pirate broker could not bind " + endpoint
                    + ": its host name does not resolve.";
            case OTHER -> "The embedded Pirate broker could not bind " + endpoint + ": " + cause.getCause() + ".";
        };
        String action = switch (cause.reason()) {
            case ADDRESS_IN_USE -> "Stop the process that listens on " + endpoint + ", or set pirate.broker.bind "
                    + "to another endpoint (tcp://127.0.0.1:* binds a free port).";
            case ADDRESS_NOT_AVAILABLE, UNKNOWN_HOST -> "Set pirate.broker.bind to an address of this host, for "
                    + "example tcp://*:5555 (every interface) or tcp://127.0.0.1:5555 (loopback only).";
            case OTHER -> "Check pirate.broker.bind (and the endpoints of any MajordomoBrokerCustomizer).";
        };
        return new FailureAnalysis(description, action, cause);
    }
}
