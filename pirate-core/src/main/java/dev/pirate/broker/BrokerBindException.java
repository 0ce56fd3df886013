package dev.pirate.broker;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A broker could not bind one of its endpoints, and why. JeroMQ reports "Address already in use"
 * also for an address the host does not have, so the reason is worked out here: an address that
 * belongs to no interface of this host is {@link Reason#ADDRESS_NOT_AVAILABLE}, whatever JeroMQ said.
 */
public class BrokerBindException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Why an endpoint could not be bound. */
    public enum Reason {

        /** Another socket, of this process or another, is bound to the port. */
        ADDRESS_IN_USE,

        /** The address is not one of this host's. */
        ADDRESS_NOT_AVAILABLE,

        /** The host name does not resolve. */
        UNKNOWN_HOST,

        /** Anything else; the cause says what. */
        OTHER
    }

    private final String endpoint;

    private final Reason reason;

    /**
     * Creates an exception.
     * @param endpoint the endpoint that could not be bound
     * @param reason why
     * @param message the message
     * @param cause what the socket threw
     */
    public BrokerBindException(String endpoint, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.reason = reason;
    }

    /**
     * Works out why binding an endpoint failed and describes it.
     * @param endpoint the endpoint, for example {@code tcp://127.0.0.1:5555}
     * @param cause what the socket threw
     * @return the exception
     */
    public static BrokerBindException of(String endpoint, RuntimeException cause) {
        String host = tcpHost(endpoint);
        Reason reason = Reason.OTHER;
        String why = String.valueOf(cause.getMessage());
        if (cause.getCause() instanceof UnknownHostException) {
            reason = Reason.UNKNOWN_HOST;
            why = "host '" + host + "' is unknown";
        }
        else if (host != null && !isLocal(host)) {
            reason = Reason.ADDRESS_NOT_AVAILABLE;
            why = host + " is not an address of this host";
        }
        else if (cause instanceof ZMQException zmq && zmq.getErrorCode() == ZMQ.Error.EADDRINUSE.getCode()) {
            reason = Reason.ADDRESS_IN_USE;
            why = "the address is already in use (another socket is bound to it)";
        }
        return new BrokerBindException(endpoint, reason, "Cannot bind broker to " + endpoint + ": " + why, cause);
    }

    /** Returns the host of a {@code tcp://} endpoint with a concrete host, or {@code null}. */
    private static String tcpHost(String endpoint) {
        if (!endpoint.startsWith("tcp://")) {
            return null;
        }
        String address = endpoint.substring("tcp://".length());
        int colon = address.lastIndexOf(':');
        String host = (colon >= 0) ? address.substring(0, colon) : address;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return (host.isEmpty() || host.equals("*")) ? null : host;
    }

    /** An address this host can bind: the wildcard, or one on one of its interfaces; unresolvable counts as local. */
    private static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        }
        catch (UnknownHostException | SocketException ex) {
            return true;
        }
    }

    /**
     * Returns the endpoint that could not be bound.
     * @return the endpoint as configured
     */
    public String endpoint() {
        return this.endpoint;
    }

    /**
     * Returns why it could not be bound.
     * @return the reason
     */
    public Reason reason() {
        return this.reason;
    }
}
