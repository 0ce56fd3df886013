package dev.pirate.support;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks ZeroMQ endpoints before a component starts. ZeroMQ itself takes {@code localhost:5555}
 * (no transport) without complaint on some paths and then fails on every connect attempt, so a
 * worker would report itself ready and log "Invalid URI" forever; checking up front turns that into
 * one clear message that names the setting.
 */
public final class Endpoints {

    /** {@code tcp://HOST:PORT}: HOST is {@code *}, a name, an IPv4 address or a bracketed IPv6 address. */
    private static final Pattern TCP = Pattern
        .compile("tcp://(\\*|\\[[0-9A-Fa-f:.%]+\\]|[A-Za-z0-9_.-]+):(\\*|[0-9]{1,5})");

    private static final Pattern IPC_OR_INPROC = Pattern.compile("(ipc|inproc)://.+");

    private Endpoints() {
    }

    /**
     * Checks that a string is a ZeroMQ endpoint Pirate can bind or connect: {@code tcp://HOST:PORT}
     * (a port from 1 to 65535, or {@code *} to bind a free one), {@code ipc://PATH} or
     * {@code inproc://NAME}.
     * @param endpoint the endpoint
     * @param setting the setting or option that holds it, for the message
     * @return the endpoint
     * @throws IllegalArgumentException naming the setting if the endpoint is not valid
     */
    public static String check(String endpoint, String setting) {
        if (endpoint == null) {
            throw new IllegalArgumentException(setting + " is required: use tcp://HOST:PORT, ipc://PATH or inproc://NAME");
        }
        var tcp = TCP.matcher(endpoint);
        boolean valid = tcp.matches() ? validPort(tcp.group(2)) : IPC_OR_INPROC.matcher(endpoint).matches();
        if (!valid) {
            throw new IllegalArgumentException(setting + ": '" + endpoint
                    + "' is not a ZeroMQ endpoint; use tcp://HOST:PORT (e.g. tcp://localhost:5555), ipc://PATH "
                    + "or inproc://NAME");
        }
        return endpoint;
    }

    /**
     * Checks a list of endpoints to connect to, one per broker: at least one, each valid, none twice
     * (a duplicate would register a worker twice with one broker, or weigh one broker double).
     * @param endpoints the endpoints
     * @param setting the setting or option that holds them, for the message
     * @return an unmodifiable copy, in the given order
     * @throws IllegalArgumentException naming the setting if the list is empty, has an invalid
     *     endpoint or one endpoint twice
     */
    public static List<String> checkAll(List<String> endpoints, String setting) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException(setting + " needs at least one endpoint");
        }
        Set<String> seen = new HashSet<>();
        for (String endpoint : endpoints) {
            check(endpoint, setting);
            if (!seen.add(endpoint)) {
                throw new IllegalArgumentException(setting + ": '" + endpoint + "' is listed twice");
            }
        }
        return List.copyOf(endpoints);
    }

    /**
     * Tells whether an endpoint can be reached from other hosts: a {@code tcp} endpoint whose host
     * is not a loopback address or {@code localhost}. {@code ipc} and {@code inproc} never can.
     * @param endpoint a checked endpoint
     * @return {@code true} for, e.g., {@code tcp://*:5555} or {@code tcp://10.0.0.5:5555}
     */
    public static boolean isReachableFromOtherHosts(String endpoint) {
        var tcp = TCP.matcher(endpoint);
        if (!tcp.matches()) {
            return false;
        }
        String host = tcp.group(1);
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    private static boolean validPort(String port) {
        if (port.equals("*")) {
            return true;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }
}
