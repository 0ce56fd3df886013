package dev.pirate.support;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the builders, with messages that name the setting.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks that a duration is positive.
     * @param value the duration
     * @param name the setting's name, for the message
     * @return the value
     */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /**
     * Checks that a number is at least a minimum.
     * @param value the number
     * @param min the smallest allowed value
     * @param name the setting's name, for the message
     * @return the value
     */
    public static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    /**
     * Checks that a size in bytes is at least a minimum.
     * @param bytes the size
     * @param min the smallest allowed size
     * @param name the setting's name, for the message
     * @return the size
     */
    public static long bytesAtLeast(long bytes, long min, String name) {
        if (bytes < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + " bytes, was " + bytes);
        }
        return bytes;
    }
}
