package dev.pirate.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON line a benchmark prints last, read with a pattern that pins its exact shape: the keys,
 * their order and plain numbers, as scripts expect them.
 *
 * @param requests requests measured
 * @param ok successful requests
 * @param failed failed requests
 * @param seconds measured time
 * @param throughput successful requests per second
 * @param p50 median latency in microseconds
 * @param p99 99th percentile in microseconds
 * @param p999 99.9th percentile in microseconds
 * @param max highest latency in microseconds
 */
record BenchJson(long requests, long ok, long failed, double seconds, double throughput, double p50, double p99,
        double p999, double max) {

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";

    private static final Pattern SHAPE = Pattern.compile("\\{\"requests\":(\\d+),\"ok\":(\\d+),\"failed\":(\\d+),"
            + "\"seconds\":" + NUMBER + ",\"throughput\":" + NUMBER + ",\"p50_us\":" + NUMBER + ",\"p99_us\":"
            + NUMBER + ",\"p999_us\":" + NUMBER + ",\"max_us\":" + NUMBER + "}");

    /** Reads the last line of a run's stdout, failing the test if it is not the JSON object. */
    static BenchJson lastLineOf(CliRun run) {
        List<String> lines = run.outLines();
        assertThat(lines).as("stdout; stderr was: %s", run.err()).isNotEmpty();
        String last = lines.get(lines.size() - 1);
        Matcher matcher = SHAPE.matcher(last);
        assertThat(matcher.matches()).as("last line %s", last).isTrue();
        return new BenchJson(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)),
                Long.parseLong(matcher.group(3)), Double.parseDouble(matcher.group(4)),
                Double.parseDouble(matcher.group(5)), Double.parseDouble(matcher.group(6)),
                Double.parseDouble(matcher.group(7)), Double.parseDouble(matcher.group(8)),
                Double.parseDouble(matcher.group(9)));
    }
}
