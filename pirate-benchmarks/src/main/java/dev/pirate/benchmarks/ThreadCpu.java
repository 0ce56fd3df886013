package dev.pirate.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CPU time some threads of this JVM spend from a mark on, to charge work to the threads that did
 * it. On a shared machine wall-clock time per request also counts the time a thread waited for a
 * core; the CPU time a thread spent is what the work cost it.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long[] ids;

    private long atMark;

    /** The total when {@link #stop()} was called, or -1. */
    private long atStop = -1;

    private ThreadCpu(long[] ids) {
        this.ids = ids;
    }

    /** The ids of every live thread, to tell later which threads are new. */
    static Set<Long> liveThreads() {
        return Arrays.stream(THREADS.getAllThreadIds()).boxed().collect(Collectors.toSet());
    }

    /**
     * Picks the threads started since an earlier {@link #liveThreads()} whose names contain a part.
     * @throws IllegalStateException if there is none, or this JVM cannot tell thread CPU time
     */
    static ThreadCpu startedSince(Set<Long> before, String namePart) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("This JVM cannot measure thread CPU time");
        }
        THREADS.setThreadCpuTimeEnabled(true);
        long[] ids = Arrays.stream(THREADS.getAllThreadIds())
            .filter((id) -> !before.contains(id))
            .filter((id) -> {
                ThreadInfo info = THREADS.getThreadInfo(id);
                return info != null && info.getThreadName().contains(namePart);
            })
            .toArray();
        if (ids.length == 0) {
            throw new IllegalStateException("No new thread named like '" + namePart + "'");
        }
        return new ThreadCpu(ids);
    }

    /** Starts counting from now. */
    void mark() {
        this.atMark = nanos();
        this.atStop = -1;
    }

    /** Stops counting, before the threads end: an ended thread's time can no longer be read. */
    void stop() {
        this.atStop = nanos();
    }

    /**
     * The CPU time since the mark, up to now or to {@link #stop()}, divided by a count.
     * @param count the requests (or other units) done since the mark
     * @return microseconds per unit; 0 if the count is 0
     */
    double microsPer(long count) {
        long end = (this.atStop >= 0) ? this.atStop : nanos();
        return (count == 0) ? 0 : (end - this.atMark) / 1000.0 / count;
    }

    private long nanos() {
        long total = 0;
        for (long id : this.ids) {
            total += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return total;
    }
}
