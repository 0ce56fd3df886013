package dev.pirate.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples of a Prometheus text exposition (what {@code /actuator/prometheus} returns), looked up by
 * name and labels whatever their order.
 */
final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+).*");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText(String text) {
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.strip());
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            this.samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
    }

    static PrometheusText parse(String text) {
        return new PrometheusText(text);
    }

    /**
     * Sums the samples of a name whose labels include the given ones.
     * @param name the sample name, e.g. {@code pirate_client_retries_total}
     * @param labels label names and values, alternating
     * @return the sum, or {@code null} if no sample matches
     */
    Double value(String name, String... labels) {
        Double total = null;
        for (Sample sample : this.samples) {
            if (sample.name.equals(name) && sample.has(labels)) {
                total = ((total != null) ? total : 0.0) + sample.value;
            }
        }
        return total;
    }

    private record Sample(String name, Map<String, String> labels, double value) {

        boolean has(String... pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                if (!pairs[i + 1].equals(this.labels.get(pairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }
}
