package dev.pirate.benchmarks;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

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
        return new MemoryFigures(heap, direct, ProcStatus.selfRssBytes());
    }
}
