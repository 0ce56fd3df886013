package dev.pirate.benchmarks.faults;

import java.util.List;
import java.util.Locale;

/**
 * The suite's results as Markdown: the table, then each scenario's notes.
 */
final class ResultTable {

    private ResultTable() {
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | sent | answered | refused | lost | duplicated | handler executions "
                + "| broker RSS before / after (MiB) | broker log lines | recovery | broker after |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            Ledger.Tally t = row.tally();
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d | %s / %s | %s | %s | %s |%n",
                    row.scenario(), t.sent(), t.answered(), t.refused(), t.lost(), t.duplicated(), row.executions(),
                    mib(row.rssBeforeBytes()), mib(row.rssAfterBytes()),
                    (row.logLines() < 0) ? "-" : String.format(Locale.ROOT, "%,d", row.logLines()), row.recovery(),
                    row.brokerState()));
        }
        out.append("\nNotes per scenario:\n\n");
        for (Row row : rows) {
            out.append("- **").append(row.scenario()).append("**: ").append(String.join("; ", row.notes()))
                .append('\n');
        }
        return out.toString();
    }

    /** Bytes in MiB, rounded; {@code -} when the size could not be read. */
    static String mib(long bytes) {
        return (bytes < 0) ? "-" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }
}
