package dev.pirate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.zeromq.ZContext;

/**
 * The worker side of {@link WorkerMemoryProbe}, run in its own JVM so that the workers' memory
 * never counts as the broker's: opens N DEALER connections to a broker, registers each with READY,
 * and keeps them open until its standard input ends (the probe closes it, or the probe died).
 * <pre>
 * java -cp benchmarks.jar dev.pirate.benchmarks.IdleWorkerConnections ENDPOINT COUNT SERVICE
 * </pre>
 */
public final class IdleWorkerConnections {

    private IdleWorkerConnections() {
    }

    /**
     * Connects the workers, prints {@code connected N}, and waits for the end of standard input.
     * @param args the broker endpoint, the number of connections and the service name
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: IdleWorkerConnections ENDPOINT COUNT SERVICE");
            System.exit(64);
        }
        String endpoint = args[0];
        int count = Integer.parseInt(args[1]);
        byte[] service = args[2].getBytes(StandardCharsets.US_ASCII);
        try (ZContext context = BareMdp.context(count)) {
            for (int i = 0; i < count; i++) {
                // Each socket lives on this thread only; none is read: the workers stay idle.
                BareMdp.readyWorker(context, endpoint, service);
            }
            System.out.println("connected " + count);
            System.out.flush();
            drain(System.in);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // Nothing to read in; only the end of the stream matters.
        }
    }
}
