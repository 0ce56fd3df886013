package dev.pirate.benchmarks.springpath;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The CPU time this JVM has used, all threads together. Divided by the requests of a round, it is
 * what a request costs the process, a figure that other programs on the machine disturb far less
 * than throughput, which depends on how much CPU they leave.
 */
final class ProcessCpu {

    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    /**
     * Returns the CPU time used so far.
     * @return nanoseconds, or {@code -1} where the JVM cannot tell
     */
    static long nanos() {
        return (OS instanceof com.sun.management.OperatingSystemMXBean os) ? os.getProcessCpuTime() : -1;
    }
}
