package dev.pirate.benchmarks.faults;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.pirate.worker.MajordomoWorker;
import dev.pirate.worker.RequestHandler;

/**
 * A worker process of the fault suite: a {@link MajordomoWorker} with a chosen behaviour that appends
 * the request id of every handler execution to a file, before replying, so the suite can count
 * executions even of a worker it killed.
 * <pre>
 * FaultWorker ENDPOINT[,ENDPOINT...] SERVICE EXECUTIONS_FILE HEARTBEAT_MS CONCURRENCY echo | slow MILLIS | poison | grow N
 * </pre>
 * With several comma-separated endpoints it registers with every broker, as many connections to each as
 * one broker would get.
 * {@code poison} halts the JVM (exit 1, no reply) when a body starts with {@code POISON}, and echoes
 * otherwise; {@code grow N} replies with the body plus N bytes. It prints {@code registered} once every
 * connection is registered, then {@code reconnects N} whenever that count changes, and leaves when its
 * standard input closes.
 */
public final class FaultWorker {

    /** System property with the worker's credit (PX/1 worker credit); 1 when absent. */
    static final String PREFETCH_PROPERTY = "pirate.fault.prefetch";


    private static final long STATUS_POLL_MILLIS = 100;

    private final FileOutputStream executions;

    private FaultWorker(Path executionsFile) throws IOException {
        this.executions = new FileOutputStream(executionsFile.toFile(), true);
    }

    /**
     * Runs the worker until standard input closes.
     * @param args see the class comment
     * @throws Exception if the worker cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: FaultWorker ENDPOINT[,ENDPOINT...] SERVICE EXECUTIONS_FILE HEARTBEAT_MS CONCURRENCY "
                    + "echo | slow MILLIS | poison | grow N");
            System.exit(64);
        }
        FaultWorker recorder = new FaultWorker(Path.of(args[2]));
        RequestHandler handler = recorder.handler(args[5], (args.length > 6) ? Long.parseLong(args[6]) : 0);
        Duration heartbeat = Duration.ofMillis(Long.parseLong(args[3]));
        int concurrency = Integer.parseInt(args[4]);
        List<String> endpoints = List.of(args[0].split(","));
        MajordomoWorker worker = MajordomoWorker.builder(endpoints.get(0), args[1], handler)
            .endpoints(endpoints)
            .heartbeatInterval(heartbeat)
            .concurrency(concurrency)
            .prefetch(Integer.getInteger(PREFETCH_PROPERTY, 1))
            .shutdownGracePeriod(Duration.ZERO)
            .build();
        worker.start();
        Thread status = new Thread(() -> report(worker), "fault-worker-status");
        status.setDaemon(true);
        status.start();
        // Blocks until the driver closes the pipe, or ends with it.
        while (System.in.read() >= 0) {
            // Nothing is ever sent on standard input.
        }
        worker.stop(Duration.ofSeconds(1));
        System.exit(0);
    }

    private RequestHandler handler(String behaviour, long argument) {
        return switch (behaviour) {
            case "echo" -> (body) -> executed(body);
            case "slow" -> (body) -> {
                List<byte[]> reply = executed(body);
                Thread.sleep(argument);
                return reply;
            };
            case "poison" -> (body) -> {
                List<byte[]> reply = executed(body);
                if (Bodies.isPoison(body)) {
                    // As a crash in native code or an OOM kill would: no reply, no goodbye.
                    Runtime.getRuntime().halt(1);
                }
                return reply;
            };
            case "grow" -> (body) -> {
                List<byte[]> reply = new ArrayList<>(executed(body));
                byte[] last = reply.get(reply.size() - 1);
                reply.set(reply.size() - 1, Arrays.copyOf(last, last.length + (int) argument));
                return reply;
            };
            default -> throw new IllegalArgumentException("Unknown behaviour " + behaviour);
        };
    }

    /**
     * Records an execution: one unbuffered write per request, so a kill -9 loses nothing already
     * executed.
     */
    private List<byte[]> executed(List<byte[]> body) throws IOException {
        byte[] line = (Bodies.idOf(body) + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (this.executions) {
            this.executions.write(line);
            this.executions.flush();
        }
        return body;
    }

    private static void report(MajordomoWorker worker) {
        boolean registered = false;
        long reconnects = 0;
        // connections() counts those to one broker; each endpoint gets as many.
        int all = worker.connections() * worker.endpoints().size();
        while (true) {
            if (!registered && worker.registeredCount() == all) {
                registered = true;
                System.out.println("registered");
            }
            if (worker.reconnects() != reconnects) {
                reconnects = worker.reconnects();
                System.out.println("reconnects " + reconnects);
            }
            try {
                Thread.sleep(STATUS_POLL_MILLIS);
            }
            catch (InterruptedException ex) {
                return;
            }
        }
    }
}
