package dev.pirate.benchmarks.springpath;

import java.time.Duration;

import dev.pirate.cli.bench.Payload;
import dev.pirate.cli.bench.RoundTrip;
import dev.pirate.client.MajordomoClient;
import dev.pirate.worker.MajordomoWorker;

/**
 * pirate-core alone: a {@link MajordomoWorker} whose handler returns the request body, and a
 * {@link MajordomoClient}, both with no listener.
 */
final class CoreVariant implements Variant {

    private final String name;

    private final MajordomoWorker worker;

    private final MajordomoClient client;

    private CoreVariant(String name, MajordomoWorker worker, MajordomoClient client) {
        this.name = name;
        this.worker = worker;
        this.client = client;
    }

    /**
     * Starts the workers and opens the client.
     * @param endpoint the broker
     * @param name the variant's name; its service is {@code echo-<name>}
     * @return the running variant
     */
    static CoreVariant start(String endpoint, String name) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoint, "echo-" + name, (body) -> body)
            .concurrency(Settings.CONNECTIONS)
            .heartbeatInterval(Settings.HEARTBEAT)
            .shutdownGracePeriod(Settings.SHUTDOWN_GRACE)
            .threadNamePrefix(name + "-worker")
            .build();
        worker.start();
        try {
            MajordomoClient client = MajordomoClient.builder(endpoint)
                .timeout(Settings.TIMEOUT)
                .retries(0)
                .threadName(name + "-client-io")
                .build();
            return new CoreVariant(name, worker, client);
        }
        catch (RuntimeException ex) {
            worker.stop(Duration.ZERO);
            throw ex;
        }
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public String service() {
        return this.worker.service();
    }

    @Override
    public String describe() {
        return "pirate-core: MajordomoWorker (echo lambda, " + Settings.CONNECTIONS
                + " connections) + MajordomoClient.request(service, byte[]), no listener";
    }

    @Override
    public RoundTrip roundTrip(Payload payload) {
        String service = service();
        return () -> payload.checkEcho(this.client.request(service, payload.body()));
    }

    @Override
    public void close() {
        try {
            this.client.close();
        }
        finally {
            this.worker.stop(Settings.SHUTDOWN_GRACE);
        }
    }
}
