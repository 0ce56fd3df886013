package dev.pirate.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.pirate.broker.MajordomoBroker;

/**
 * Measures how much memory a {@link MajordomoBroker} holds per idle worker connection.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.WorkerMemoryProbe [--workers 1000] [--classes]
 * </pre>
 * This JVM runs the broker and nothing else; the workers are N DEALER connections that send READY
 * from a child JVM ({@link IdleWorkerConnections}), so their sockets, buffers and threads never
 * count as the broker's. Heap in use, direct buffers and RSS are read after full collections with
 * the broker running and no worker, then again once the broker's snapshot shows all N registered;
 * the differences divided by N are printed, with a JSON line last. {@code --classes} adds the
 * classes the heap grew by, per connection.
 * <p>
 * The broker heartbeats once an hour here: the workers are bare sockets that would not answer, and
 * an idle connection's memory does not depend on its heartbeats.
 */
public final class WorkerMemoryProbe {

    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(120);

    private static final long CHILD_STOP_SECONDS = 10;

    private static final String SERVICE = "idle";

    private WorkerMemoryProbe() {
    }

    /**
     * Runs the probe.
     * @param args {@code --workers N} (default 1000), {@code --classes}
     * @throws Exception if the broker or the child process fails
     */
    public static void main(String[] args) throws Exception {
        int workers = 1000;
        boolean classes = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--workers") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,6}")) {
                workers = Integer.parseInt(args[++i]);
            }
            else if (args[i].equals("--classes")) {
                classes = true;
            }
            else {
                usage();
            }
        }
        run(workers, classes);
    }

    private static void usage() {
        System.err.println("usage: WorkerMemoryProbe [--workers N (1 or more, default 1000)] [--classes]");
        System.exit(64);
    }

    private static void run(int workers, boolean classes) throws IOException, InterruptedException {
        try (MajordomoBroker broker = MajordomoBroker.builder()
            .bind("tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofHours(1))
            .build()) {
            broker.start();
            ClassHistogram histogramBefore = classes ? ClassHistogram.take() : null;
            MemoryFigures before = MemoryFigures.afterCollections();
            Process child = startWorkers(broker.connectEndpoint(), workers);
            try {
                BareMdp.await(broker, (s) -> s.workers() == workers, REGISTRATION_TIMEOUT,
                        workers + " registered workers", child::isAlive);
                MemoryFigures after = MemoryFigures.afterCollections();
                report(workers, before, after);
                if (classes) {
                    reportClasses(workers, ClassHistogram.take().largestGrowthSince(histogramBefore, 15));
                }
                System.out.println(json(workers, before, after));
            }
            finally {
                stop(child);
            }
        }
    }

    private static Process startWorkers(String endpoint, int workers) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                IdleWorkerConnections.class.getName(), endpoint, Integer.toString(workers), SERVICE);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        // Standard input stays a pipe: closing it is how the child is told to leave.
        return builder.start();
    }

    private static void stop(Process child) throws InterruptedException {
        try {
            child.getOutputStream().close();
        }
        catch (IOException ex) {
            // The child is gone already; destroy below is then a no-op.
        }
        if (!child.waitFor(CHILD_STOP_SECONDS, TimeUnit.SECONDS)) {
            child.destroy();
            if (!child.waitFor(CHILD_STOP_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static void report(int workers, MemoryFigures before, MemoryFigures after) {
        System.out.printf(Locale.ROOT, "Broker process with %d idle worker connections (workers in another JVM)%n",
                workers);
        line("heap in use", before.heapBytes(), after.heapBytes(), workers);
        line("direct buffers", before.directBytes(), after.directBytes(), workers);
        if (before.rssBytes() >= 0 && after.rssBytes() >= 0) {
            line("resident set (RSS)", before.rssBytes(), after.rssBytes(), workers);
        }
        else {
            System.out.println("  resident set (RSS): not readable from /proc/self/status");
        }
    }

    private static void line(String what, long before, long after, int workers) {
        System.out.printf(Locale.ROOT, "  %-20s %,14d B -> %,14d B: %,10d B per connection%n", what, before, after,
                (after - before) / workers);
    }

    private static void reportClasses(int workers, List<ClassHistogram.Growth> growths) {
        System.out.println("  heap growth by class, per connection:");
        for (ClassHistogram.Growth growth : growths) {
            System.out.printf(Locale.ROOT, "    %8.1f objects %,8d B  %s%n", (double) growth.instances() / workers,
                    growth.bytes() / workers, growth.className());
        }
    }

    private static String json(int workers, MemoryFigures before, MemoryFigures after) {
        long rss = (before.rssBytes() >= 0 && after.rssBytes() >= 0) ? (after.rssBytes() - before.rssBytes()) / workers
                : -1;
        return String.format(Locale.ROOT,
                "{\"workers\":%d,\"heap_bytes_per_worker\":%d,\"direct_bytes_per_worker\":%d,"
                        + "\"rss_bytes_per_worker\":%d,\"heap_before\":%d,\"heap_after\":%d,\"rss_before\":%d,"
                        + "\"rss_after\":%d}",
                workers, (after.heapBytes() - before.heapBytes()) / workers,
                (after.directBytes() - before.directBytes()) / workers, rss, before.heapBytes(), after.heapBytes(),
                before.rssBytes(), after.rssBytes());
    }
}
