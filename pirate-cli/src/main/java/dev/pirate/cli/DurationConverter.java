package dev.pirate.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads positive durations the way people type them: {@code 2500ms}, {@code 2.5s}, {@code 30s},
 * {@code 1m}, or bare milliseconds ({@code 2500}). picocli puts the option's name in front of the
 * error message.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L));

    @Override
    public Duration convert(String value) {
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw invalid(value, "use for example 2500ms, 2.5s, 30s, 1m or 2500 (milliseconds)");
        }
        String unit = (matcher.group(2) != null) ? matcher.group(2) : "ms";
        // Sub-nanosecond digits mean nothing to a timer, so they are rounded away rather than refused.
        BigInteger nanos = new BigDecimal(matcher.group(1)).multiply(NANOS_PER_UNIT.get(unit))
                .setScale(0, RoundingMode.HALF_UP).toBigInteger();
        if (nanos.signum() == 0) {
            throw invalid(value, "it must be positive");
        }
        if (nanos.bitLength() >= Long.SIZE) {
            throw invalid(value, "it is longer than Java can time (about 292 years)");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static TypeConversionException invalid(String value, String hint) {
        return new TypeConversionException("'" + value + "' is not a valid duration: " + hint);
    }
}
