package dev.pirate.benchmarks.springpath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.spring.PirateClient;

/**
 * The embedded application's own path, in-process against TCP loopback: a Spring Boot context with
 * an embedded broker, the {@link SpringEchoService} bean and the {@link PirateClient} bean, once with
 * {@code pirate.broker.in-process=true} (the default: client and worker reach the broker over
 * {@code inproc://}) and once with it off (both over the broker's TCP loopback endpoint).
 * <p>
 * Synchronous calls, one at a time, 16-byte bodies. The two contexts run side by side and are
 * measured in alternating rounds, so a change in the machine's load touches both; each round's
 * percentiles come from every call of the round, and the table shows the medians of the rounds.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.springpath.EmbeddedPathBenchmark [rounds] [calls]
 * </pre>
 */
public final class EmbeddedPathBenchmark {

    private static final int WARMUP_CALLS = 20_000;

    private static final byte[] BODY = new byte[16];

    private EmbeddedPathBenchmark() {
    }

    /**
     * Runs the comparison and prints a Markdown table and one JSON line per path.
     * @param args rounds (default 3) and calls per round (default 20000)
     */
    public static void main(String[] args) {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
        int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
        Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
        try {
            contexts.put("in-process", start(true));
            contexts.put("tcp-loopback", start(false));
            Map<String, List<double[]>> figures = new LinkedHashMap<>();
            contexts.forEach((name, context) -> {
                measure(context.getBean(PirateClient.class), WARMUP_CALLS);
                figures.put(name, new ArrayList<>());
            });
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, ConfigurableApplicationContext> entry : contexts.entrySet()) {
                    figures.get(entry.getKey()).add(measure(entry.getValue().getBean(PirateClient.class), calls));
                }
            }
            report(figures, rounds, calls);
        }
        finally {
            contexts.values().forEach(ConfigurableApplicationContext::close);
        }
    }

    private static ConfigurableApplicationContext start(boolean inProcess) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("pirate.broker.enabled", "true");
        properties.put("pirate.broker.bind", "tcp://127.0.0.1:*");
        properties.put("pirate.broker.in-process", String.valueOf(inProcess));
        properties.put("pirate.client.retries", "0");
        properties.put("pirate.client.timeout", "5s");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringEchoApplication.class)
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties(properties)
            .run();
        MajordomoBroker broker = context.getBean(MajordomoBroker.class);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (broker.snapshot().workers() < Settings.CONNECTIONS) {
            if (System.nanoTime() > deadline) {
                context.close();
                throw new IllegalStateException("The echo workers did not register within 30 s");
            }
            Thread.onSpinWait();
        }
        String endpoint = context.getBean(PirateClient.class).majordomoClient().endpoint();
        if (endpoint.startsWith("inproc://") != inProcess) {
            context.close();
            throw new IllegalStateException("Expected the client " + (inProcess ? "in" : "out of") + " process, but it "
                    + "connects to " + endpoint);
        }
        return context;
    }

    /** Returns throughput (calls/s), p50 and p99 (µs) of {@code calls} synchronous calls. */
    private static double[] measure(PirateClient client, int calls) {
        long[] nanos = new long[calls];
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long begun = System.nanoTime();
            byte[] reply = client.request(SpringEchoService.SERVICE, BODY);
            nanos[i] = System.nanoTime() - begun;
            if (reply.length != BODY.length) {
                throw new IllegalStateException("Echo of " + BODY.length + " bytes came back as " + reply.length);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(nanos);
        return new double[] { calls / seconds, nanos[calls / 2] / 1e3, nanos[(int) (calls * 0.99)] / 1e3 };
    }

    private static void report(Map<String, List<double[]>> figures, int rounds, int calls) {
        System.out.printf(Locale.ROOT, "%n%d rounds of %d synchronous calls, 16 B, medians of the rounds%n%n", rounds,
                calls);
        System.out.println("| path | calls/s | p50 µs | p99 µs |");
        System.out.println("|---|---:|---:|---:|");
        Map<String, double[]> medians = new LinkedHashMap<>();
        figures.forEach((name, list) -> {
            double[] median = new double[3];
            for (int i = 0; i < 3; i++) {
                int figure = i;
                median[i] = Results.median(list.stream().mapToDouble((f) -> f[figure]).toArray());
            }
            medians.put(name, median);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f |%n", name, median[0], median[1], median[2]);
        });
        double[] in = medians.get("in-process");
        double[] tcp = medians.get("tcp-loopback");
        System.out.printf(Locale.ROOT, "%nin-process p50 / tcp-loopback p50 = %.2f%n", in[1] / tcp[1]);
        medians.forEach((name, m) -> System.out.printf(Locale.ROOT,
                "{\"path\":\"%s\",\"throughput\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f}%n", name, m[0], m[1], m[2]));
    }
}
