package dev.pirate.cli.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link BenchReport}.
 */
@Timeout(5)
class BenchReportTest {

    @Test
    void jsonHasTheDocumentedKeysInOrderOnOneLine() {
        BenchReport report = new BenchReport(1002, 1000, 2, 2.0, 500.0, 51.25, 99.0, 123.45, 2000.0);

        assertThat(report.json()).isEqualTo("{\"requests\":1002,\"ok\":1000,\"failed\":2,\"seconds\":2.000,"
                + "\"throughput\":500.0,\"p50_us\":51.3,\"p99_us\":99.0,\"p999_us\":123.5,\"max_us\":2000.0}");
    }

    @Test
    void reportTurnsNanosecondLatenciesIntoMicrosecondsAndCountsOnlySuccessesAsThroughput() {
        Histogram latencies = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            latencies.recordValue(i * 1_000L);
        }

        BenchReport report = BenchReport.of(latencies, 2, 2_000_000_000L);

        assertThat(report.requests()).isEqualTo(1002);
        assertThat(report.ok()).isEqualTo(1000);
        assertThat(report.failed()).isEqualTo(2);
        assertThat(report.throughput()).isEqualTo(500.0);
        // Three significant digits: each figure is within 0.1 % of the recorded value.
        assertThat(report.p50()).isCloseTo(500.0, within(0.5));
        assertThat(report.p99()).isCloseTo(990.0, within(1.0));
        assertThat(report.p999()).isCloseTo(999.0, within(1.0));
        assertThat(report.max()).isCloseTo(1000.0, within(1.0));
    }

    @Test
    void reportWithoutSuccessesHasZeroThroughputAndLatencies() {
        BenchReport report = BenchReport.of(new Histogram(3), 5, 1_000_000_000L);

        assertThat(report.json()).isEqualTo("{\"requests\":5,\"ok\":0,\"failed\":5,\"seconds\":1.000,"
                + "\"throughput\":0.0,\"p50_us\":0.0,\"p99_us\":0.0,\"p999_us\":0.0,\"max_us\":0.0}");
        assertThat(report.summary()).startsWith("5 requests (0 ok, 5 failed)");
    }
}
