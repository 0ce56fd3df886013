package dev.pirate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory figures of a process read from Linux's {@code /proc/PID/status}: the probes read their own
 * JVM, the fault suite reads its child broker.
 */
public final class ProcStatus {

    private ProcStatus() {
    }

    /**
     * Returns the resident set size (VmRSS) of this JVM.
     * @return bytes, or -1 where procfs cannot tell
     */
    public static long selfRssBytes() {
        return field(Path.of("/proc/self/status"), "VmRSS:");
    }

    /**
     * Returns the resident set size (VmRSS) of a process.
     * @param pid the process id
     * @return bytes, or -1 if the process is gone or procfs cannot tell
     */
    public static long rssBytes(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /**
     * Returns the peak resident set size (VmHWM) of a process since it started.
     * @param pid the process id
     * @return bytes, or -1 if the process is gone or procfs cannot tell
     */
    public static long peakRssBytes(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "VmHWM:");
    }

    private static long field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    // "VmRSS:   123456 kB"
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // Not Linux, no procfs, or the process ended: the figure is reported as unknown.
        }
        return -1;
    }
}
