package dev.pirate.cli;

import java.time.Duration;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DurationConverter}.
 */
@Timeout(5)
class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({ "2500ms, 2500", "2.5s, 2500", "30s, 30000", "1m, 60000", "2500, 2500", "0.5ms, 0.5", "1.5M, 90000" })
    void acceptsMillisecondsSecondsMinutesAndBareMilliseconds(String text, double expectedMillis) {
        assertThat(this.converter.convert(text)).isEqualTo(Duration.ofNanos(Math.round(expectedMillis * 1_000_000)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "soon", "-1s", "1h", "1.s", "2 5s", "0", "0ms", "0.0s", "999999999999m" })
    void rejectsAnythingElseWithTheValueInTheMessage(String text) {
        assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> this.converter.convert(text))
            .withMessageContaining("'" + text + "'");
    }
}
