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

    static final String SERVICE = "echo-core";

    private final MajordomoWorker worker;

    private final MajordomoClient client;

    private CoreVariant(MajordomoWorker worker, MajordomoClient client) {
        this.worker = worker;
        this.client = client;
    }

    /**
     * Starts the workers and opens the client.
     * @param endpoint the broker
     * @return the running variant
     */
    static CoreVariant start(String endpoint) {
        MajordomoWorker worker = MajordomoWorker.builder(endpoint, SERVICE, (body) -> body)
            .concurrency(Settings.CONNECTIONS)
            .heartbeatInterval(Settings.HEARTBEAT)
            .shutdownGracePeriod(Settings.SHUTDOWN_GRACE)
            .threadNamePrefix("core-worker")
            .build();
        worker.start();
        try {
            MajordomoClient client = MajordomoClient.builder(endpoint)
                .timeout(Settings.TIMEOUT)
                .retries(0)
                .threadName("core-client-io")
                .build();
            return new CoreVariant(worker, client);
        }
        catch (RuntimeException ex) {
            worker.stop(Duration.ZERO);
            throw ex;
        }
    }

    @Override
    public String name() {
        return "core";
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public String describe() {
        return "pirate-core: MajordomoWorker (echo lambda, " + Settings.CONNECTIONS
                + " connections) + MajordomoClient.request(service, byte[]), no listener";
    }

    @Override
    public RoundTrip roundTrip(Payload payload) {
        return () -> payload.checkEcho(this.client.request(SERVICE, payload.body()));
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
