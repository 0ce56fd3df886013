package dev.pirate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateException;
import dev.pirate.worker.MajordomoWorker;

/**
 * The retry storm of issue 11, measured: a service slower than its callers' timeout, and a service
 * nobody offers, called through a Pirate broker by a client that speaks PX/1 and by one that speaks
 * plain MDP/0.1 ({@code --plain}), which is what every client did before PX/1.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.SlowServiceProbe [--plain] [--calls 5]
 * </pre>
 * One worker connection (concurrency 1) handles {@code slow}: 2 s for a body starting {@code work},
 * at once for {@code quick}. The client waits 1 s per attempt and retries twice (the sample's
 * settings). It prints, counted rather than assumed: handler executions per call, calls answered,
 * the latency of an unrelated quick call made right after the slow ones, and how long a call to a
 * service without workers takes to fail.
 */
public final class SlowServiceProbe {

    private static final Duration HANDLER_TIME = Duration.ofSeconds(2);

    private SlowServiceProbe() {
    }

    /**
     * Runs the probe.
     * @param args {@code --plain}, {@code --calls N} (default 5)
     * @throws Exception if the broker cannot start
     */
    public static void main(String[] args) throws Exception {
        boolean plain = false;
        int calls = 5;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plain")) {
                plain = true;
            }
            else if (args[i].equals("--calls") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,3}")) {
                calls = Integer.parseInt(args[++i]);
            }
            else {
                System.err.println("usage: SlowServiceProbe [--plain] [--calls N]");
                System.exit(64);
            }
        }
        run(plain, calls);
    }

    private static void run(boolean plain, int calls) throws InterruptedException {
        ConcurrentHashMap<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        // A broker calls a service unknown only once the workers of a restart could be back (40 s after
        // its start by default); this broker has not restarted, so it need not wait long.
        try (MajordomoBroker broker = MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
            .heartbeatInterval(Duration.ofSeconds(1)).workerReturnTime(Duration.ofSeconds(1)).build()) {
            broker.start();
            MajordomoWorker worker = MajordomoWorker.builder(broker.connectEndpoint(), "slow", (body) -> {
                String text = new String(body.get(0), StandardCharsets.UTF_8);
                executions.computeIfAbsent(text, (k) -> new AtomicInteger()).incrementAndGet();
                if (text.startsWith("work")) {
                    Thread.sleep(HANDLER_TIME.toMillis());
                }
                return body;
            }).heartbeatInterval(Duration.ofSeconds(1)).build();
            worker.start();
            try (worker; MajordomoClient client = MajordomoClient.builder(broker.connectEndpoint())
                .timeout(Duration.ofSeconds(1)).retries(2).pirateExtensions(!plain).build()) {
                awaitService(client);
                int answered = 0;
                long slowNanos = 0;
                for (int i = 0; i < calls; i++) {
                    long start = System.nanoTime();
                    try {
                        client.request("slow", ("work-" + i).getBytes(StandardCharsets.UTF_8));
                        answered++;
                    }
                    catch (PirateException ex) {
                        // Counted below: a call that was not answered.
                    }
                    slowNanos += System.nanoTime() - start;
                }
                long quickStart = System.nanoTime();
                String quick = outcome(() -> client.request("slow", "quick".getBytes(StandardCharsets.UTF_8)));
                long quickNanos = System.nanoTime() - quickStart;
                long unknownStart = System.nanoTime();
                String unknown = outcome(() -> client.request("nobody", "x".getBytes(StandardCharsets.UTF_8)));
                long unknownNanos = System.nanoTime() - unknownStart;

                int ran = 0;
                for (int i = 0; i < calls; i++) {
                    AtomicInteger count = executions.get("work-" + i);
                    ran += (count != null) ? count.get() : 0;
                }
                System.out.printf(Locale.ROOT, "client: %s%n", plain ? "plain MDP/0.1 (--plain)" : "PX/1");
                System.out.printf(Locale.ROOT, "slow calls: %d, answered: %d, handler executions: %d (%.2f per call), "
                        + "mean call time %.2f s%n", calls, answered, ran, (double) ran / calls,
                        slowNanos / 1e9 / calls);
                System.out.printf(Locale.ROOT, "next unrelated quick call: %s in %.3f s%n", quick, quickNanos / 1e9);
                System.out.printf(Locale.ROOT, "call to a service with no worker: %s after %.3f s%n", unknown,
                        unknownNanos / 1e9);
            }
        }
    }

    private static void awaitService(MajordomoClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!client.serviceExists("slow")) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The worker did not register within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static String outcome(Runnable call) {
        try {
            call.run();
            return "answered";
        }
        catch (PirateException ex) {
            return ex.getClass().getSimpleName();
        }
    }
}
