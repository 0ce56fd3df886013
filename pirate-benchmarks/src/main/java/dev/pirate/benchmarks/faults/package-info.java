/**
 * The fault suite of issue 10: scenarios that hurt a real broker process (kill -9, SIGSTOP, poison
 * requests, floods, malformed traffic) and count what every request became: answered, refused with a
 * clear error, lost or duplicated, with the handler executions the workers recorded and the broker's
 * memory from {@code /proc}. Run it with {@code bench/faults.sh}; the driver is {@link FaultSuite},
 * the worker processes run {@link FaultWorker}.
 */
package dev.pirate.benchmarks.faults;
