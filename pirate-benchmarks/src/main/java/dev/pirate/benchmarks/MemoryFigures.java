package dev.pirate.benchmarks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory of this JVM after full collections: heap in use, NIO direct buffers in use, and the
 * resident set size from {@code /proc/self/status} where Linux provides it.
 *
 * @param heapBytes heap in use after the collections
 * @param directBytes direct buffer memory in use
 * @param rssBytes resident set size, or -1 if unknown
 */
record MemoryFigures(long heapBytes, long directBytes, long rssBytes) {

    private static final int COLLECTIONS = 3;

    /**
     * Collects garbage a few times, then reads the figures. Full collections (System.gc on the
     * default collector) leave only live objects, so a difference of two readings is what the
     * live state in between holds; the broker thread's own garbage in the meantime is tiny.
     */
    static MemoryFigures afterCollections() {
        for (int i = 0; i < COLLECTIONS; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct = pool.getMemoryUsed();
            }
        }
        return new MemoryFigures(heap, direct, residentSetSize());
    }

    private static long residentSetSize() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:   123456 kB"
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // Not Linux, or no procfs: the RSS figure is reported as unknown.
        }
        return -1;
    }
}
