package dev.pirate.benchmarks.faults;

import java.util.List;

/**
 * One scenario's line of the results table, every figure counted during the run.
 *
 * @param scenario the scenario name
 * @param tally what became of the requests
 * @param executions handler executions of the scenario's requests, as the workers recorded them
 * @param rssBeforeBytes broker VmRSS when the traffic started, -1 if unknown
 * @param rssAfterBytes broker VmRSS at the end, -1 if the broker is gone
 * @param recovery the recovery time as text, e.g. {@code 1.42 s} or {@code not within 30 s}
 * @param brokerState {@code serving}, {@code exited with code N} or {@code HALF-ALIVE}
 * @param logLines lines the broker printed during the scenario
 * @param notes what the columns cannot say: per-group counts, reasons, peaks
 */
record Row(String scenario, Ledger.Tally tally, long executions, long rssBeforeBytes, long rssAfterBytes,
        String recovery, String brokerState, long logLines, List<String> notes) {

    /** A row for a scenario that could not run at all. */
    static Row failed(String scenario, String why) {
        return new Row(scenario, new Ledger.Tally(0, 0, 0, 0, 0, java.util.Map.of()), 0, -1, -1, "-",
                "scenario failed", -1, List.of("did not complete: " + why));
    }
}
