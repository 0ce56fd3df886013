package dev.pirate.spring.autoconfigure;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Start-up checks of {@code pirate.*} values. A failure names the property, so Boot's failure
 * analyzer reports it as an invalid configuration property.
 */
final class PirateSettings {

    /** {@code tcp://host:port}; a bind endpoint may use {@code *} for the host or the port. */
    private static final Pattern TCP = Pattern
        .compile("tcp://(\\*|\\[[0-9a-fA-F:.%\\w]+\\]|[^:/\\s\\[\\]*]+):(\\*|\\d{1,5})");

    /** Other ZeroMQ transports: the address is checked by ZeroMQ itself. */
    private static final Pattern OTHER = Pattern.compile("(ipc|inproc|tipc|pgm|epgm)://\\S+");

    private PirateSettings() {
    }

    static String connectEndpoint(String name, @Nullable String value) {
        return endpoint(name, value, false);
    }

    static String bindEndpoint(String name, @Nullable String value) {
        return endpoint(name, value, true);
    }

    private static String endpoint(String name, @Nullable String value, boolean bind) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "An endpoint is required");
        }
        Matcher tcp = TCP.matcher(value);
        if (tcp.matches()) {
            String host = tcp.group(1);
            String port = tcp.group(2);
            if (!bind && (host.equals("*") || port.equals("*"))) {
                throw new InvalidConfigurationPropertyValueException(name, value,
                        "'*' is only valid in a bind endpoint; connect to a host and port, e.g. tcp://localhost:5555");
            }
            if (!port.equals("*") && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
                throw new InvalidConfigurationPropertyValueException(name, value, "Port must be 1 to 65535");
            }
            return value;
        }
        if (OTHER.matcher(value).matches()) {
            return value;
        }
        throw new InvalidConfigurationPropertyValueException(name, value, "Not a ZeroMQ endpoint; use "
                + "transport://address, e.g. " + (bind ? "tcp://*:5555" : "tcp://localhost:5555"));
    }

    static Duration positive(String name, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be a positive duration");
        }
        return value;
    }

    static Duration notNegative(String name, @Nullable Duration value) {
        if (value == null || value.isNegative()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be zero or a positive duration");
        }
        return value;
    }

    static void notBelow(String name, Duration value, String otherName, Duration other) {
        if (value.compareTo(other) < 0) {
            throw new InvalidConfigurationPropertyValueException(name, value,
                    "Must not be below " + otherName + " (" + other + ")");
        }
    }

    static int atLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be at least " + minimum);
        }
        return value;
    }

    static int between(String name, int value, int minimum, int maximum) {
        if (value < minimum || value > maximum) {
            throw new InvalidConfigurationPropertyValueException(name, value,
                    "Must be between " + minimum + " and " + maximum);
        }
        return value;
    }

    static double atLeast(String name, double value, double minimum) {
        if (!(value >= minimum) || Double.isInfinite(value)) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be at least " + minimum);
        }
        return value;
    }

    static long bytesAtLeast(String name, DataSize value, DataSize minimum) {
        if (value.toBytes() < minimum.toBytes()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be at least " + minimum);
        }
        return value.toBytes();
    }

    static int messageSize(String name, @Nullable DataSize value) {
        if (value == null || value.toBytes() < 64 || value.toBytes() > Integer.MAX_VALUE) {
            throw new InvalidConfigurationPropertyValueException(name, value, "Must be between 64B and 2GB");
        }
        return (int) value.toBytes();
    }
}
