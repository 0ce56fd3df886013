package dev.pirate.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Live objects per class in this JVM, from HotSpot's {@code GC.class_histogram} diagnostic command
 * (what {@code jcmd PID GC.class_histogram} prints), to tell which classes a change in heap comes
 * from.
 */
final class ClassHistogram {

    // "   1:        123456        7890123  [B (java.base@17.0.15)"
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    private final Map<String, long[]> rows;

    private ClassHistogram(Map<String, long[]> rows) {
        this.rows = rows;
    }

    /** A growth in one class between two histograms. */
    record Growth(String className, long instances, long bytes) {
    }

    /**
     * Takes a histogram of live objects; the command runs a full collection first.
     * @throws IllegalStateException if the JVM has no such diagnostic command
     */
    static ClassHistogram take() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] { new String[0] }, new String[] { String[].class.getName() });
        }
        catch (JMException ex) {
            throw new IllegalStateException("No class histogram in this JVM: " + ex.getMessage(), ex);
        }
        Map<String, long[]> rows = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.merge(m.group(3), new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) },
                        (a, b) -> new long[] { a[0] + b[0], a[1] + b[1] });
            }
        }
        return new ClassHistogram(rows);
    }

    /**
     * Lists the classes that grew most since an earlier histogram.
     * @param before the earlier histogram
     * @param limit how many classes to list
     * @return the largest growths in bytes, largest first
     */
    List<Growth> largestGrowthSince(ClassHistogram before, int limit) {
        List<Growth> growths = new ArrayList<>();
        this.rows.forEach((name, now) -> {
            long[] then = before.rows.getOrDefault(name, new long[2]);
            if (now[1] > then[1]) {
                growths.add(new Growth(name, now[0] - then[0], now[1] - then[1]));
            }
        });
        growths.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growths.subList(0, Math.min(limit, growths.size()));
    }
}
