package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.zeromq.ZContext;

import dev.pirate.client.MajordomoClient;

/**
 * Everything one scenario starts and measures: its broker, its workers, its clients and its ledger.
 * A scenario starts what it needs through it, marks when its traffic starts and its fault ends, and
 * the fixture turns that into a {@link Row} and stops it all.
 * <p>
 * The broker gets an {@code echo} worker besides the scenario's own, so that whether the broker
 * still serves can be asked the same way in every scenario.
 * <p>
 * A scenario may start more brokers like the first (without an echo worker); they are stopped with
 * the rest, but the row's broker columns (RSS, log lines, recovery probe, broker after) always
 * describe the first one.
 */
final class Fixture implements AutoCloseable {

    /** The service of the echo worker every broker gets. */
    static final String ECHO = "echo";

    private static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(2500);

    private static final Duration STATE_DEADLINE = Duration.ofSeconds(30);

    private final String name;

    private final SuiteOptions options;

    private final Path dir;

    private final Ledger ledger = new Ledger();

    private final ZContext context = new ZContext(1);

    // Written by the poison scenario's supervisor thread too.
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

    private final List<MajordomoClient> clients = new ArrayList<>();

    private final List<String> notes = new CopyOnWriteArrayList<>();

    private BrokerProcess broker;

    /** Brokers started after the first, in order. */
    private final List<BrokerProcess> otherBrokers = new ArrayList<>();

    private List<String> brokerJvm = List.of();

    private List<String> brokerArgs = List.of();

    private Duration heartbeat = DEFAULT_HEARTBEAT;

    private long rssBefore = -1;

    private long logMark;

    private long faultEndedNanos;

    private String recovery = "-";

    Fixture(String name, SuiteOptions options) throws IOException {
        this.name = name;
        this.options = options;
        this.dir = Files.createDirectories(options.workDir().resolve(name));
    }

    SuiteOptions options() {
        return this.options;
    }

    Ledger ledger() {
        return this.ledger;
    }

    ZContext context() {
        return this.context;
    }

    BrokerProcess broker() {
        return this.broker;
    }

    /**
     * Starts the broker and its echo worker.
     * @param heartbeat the heartbeat interval of the broker and of every worker started after
     * @param jvmOptions broker JVM options after the suite's own (a later -Xmx wins)
     * @param brokerOptions more {@code pirate broker} options
     */
    BrokerProcess startBroker(Duration heartbeat, List<String> jvmOptions, String... brokerOptions)
            throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(this.options.brokerJvmOptions());
        jvm.addAll(jvmOptions);
        List<String> args = new ArrayList<>(List.of("--heartbeat", heartbeat.toMillis() + "ms"));
        args.addAll(List.of(brokerOptions));
        this.heartbeat = heartbeat;
        this.brokerJvm = List.copyOf(jvm);
        this.brokerArgs = List.copyOf(args);
        this.broker = BrokerProcess.start(this.options.cliJar(), jvm, args, this.dir.resolve("broker.log"));
        startWorker("echo-probe", ECHO, 1, "echo");
        return this.broker;
    }

    /**
     * Starts one more broker with the first one's heartbeat and options, on its own port and log. It
     * gets no echo worker: the row's broker columns stay the first broker's.
     */
    BrokerProcess startAnotherBroker() throws IOException, InterruptedException {
        if (this.broker == null) {
            throw new IllegalStateException("startBroker first");
        }
        BrokerProcess another = BrokerProcess.start(this.options.cliJar(), this.brokerJvm, this.brokerArgs,
                this.dir.resolve("broker-" + (this.otherBrokers.size() + 2) + ".log"));
        this.otherBrokers.add(another);
        return another;
    }

    /**
     * Starts a worker process with the broker's heartbeat and waits until it is registered.
     * @param behaviour e.g. {@code "slow", "500"}
     */
    WorkerProcess startWorker(String workerName, String service, int concurrency, String... behaviour)
            throws IOException, InterruptedException {
        return startCreditWorker(workerName, service, concurrency, 1, behaviour);
    }

    /** Starts a worker with PX/1 worker credit: one connection taking {@code prefetch} requests at once. */
    WorkerProcess startCreditWorker(String workerName, String service, int concurrency, int prefetch,
            String... behaviour) throws IOException, InterruptedException {
        return launchWorker(workerName, List.of(this.broker), service, concurrency, prefetch, behaviour);
    }

    /**
     * Starts a worker registered with every one of several brokers, {@code concurrency} connections to
     * each, and waits until all of them are registered.
     */
    WorkerProcess startWorker(String workerName, List<BrokerProcess> brokers, String service, int concurrency,
            String... behaviour) throws IOException, InterruptedException {
        return launchWorker(workerName, brokers, service, concurrency, 1, behaviour);
    }

    private WorkerProcess launchWorker(String workerName, List<BrokerProcess> brokers, String service,
            int concurrency, int prefetch, String... behaviour) throws IOException, InterruptedException {
        WorkerProcess worker = WorkerProcess.start(workerName, String.join(",", endpoints(brokers)), service,
                this.heartbeat, concurrency, prefetch, List.of(behaviour), this.dir);
        // Counted even if it dies before it registers: its executions file may still hold a request.
        this.workers.add(worker);
        worker.awaitRegistered();
        return worker;
    }

    /** The worker started last, also if it died before it registered. */
    WorkerProcess lastWorker() {
        return this.workers.get(this.workers.size() - 1);
    }

    /** A {@code MajordomoClient} for the broker, closed with the fixture. */
    MajordomoClient client(Duration timeout, int retries) {
        return client(List.of(this.broker), timeout, retries);
    }

    /**
     * A {@code MajordomoClient} over several brokers, with the client's default broker failure policy,
     * closed with the fixture.
     */
    MajordomoClient client(List<BrokerProcess> brokers, Duration timeout, int retries) {
        // One endpoint in the list builds the same client as builder(endpoint).
        MajordomoClient client = MajordomoClient.builder(endpoints(brokers))
            .timeout(timeout)
            .retries(retries)
            .build();
        this.clients.add(client);
        return client;
    }

    private static List<String> endpoints(List<BrokerProcess> brokers) {
        return brokers.stream().map(BrokerProcess::endpoint).toList();
    }

    /** A raw Pirate client whose replies count under a group, with ZeroMQ's default HWM; the caller closes it. */
    RawPirateClient rawClient(String group) {
        return rawClient(group, 1000);
    }

    /** A raw Pirate client with a chosen send high-water mark. */
    RawPirateClient rawClient(String group, int sendHighWaterMark) {
        return new RawPirateClient(this.context, this.broker.endpoint(), this.ledger, group, sendHighWaterMark);
    }

    /** Marks the start of the traffic: the broker's RSS and log position "before". */
    void trafficStarts() {
        this.rssBefore = this.broker.rssBytes();
        this.logMark = this.broker.log().size();
    }

    /** Marks the end of the fault, the moment recovery is timed from. */
    void faultEnded() {
        this.faultEndedNanos = System.nanoTime();
    }

    /**
     * Times recovery: fresh requests to a service from now on until one is answered, the time
     * counted from {@link #faultEnded()}.
     * @param attemptTimeout how long one attempt waits (more than the service's handler takes)
     * @param deadline how long to keep trying
     */
    void timeRecovery(String service, Duration attemptTimeout, Duration deadline) throws InterruptedException {
        boolean served = new Probe(this.context, this.broker.endpoint()).untilServed(service, attemptTimeout, deadline);
        double seconds = (System.nanoTime() - this.faultEndedNanos) / 1e9;
        this.recovery = served ? String.format(Locale.ROOT, "%.2f s", seconds)
                : String.format(Locale.ROOT, "not within %.0f s", seconds);
    }

    /** Adds a note to the row. */
    void note(String note) {
        this.notes.add(note);
    }

    /** Adds a formatted note to the row. */
    void note(String format, Object... args) {
        this.notes.add(String.format(Locale.ROOT, format, args));
    }

    /** Reconnects of the named workers since they started, as they printed them. */
    long reconnects(String namePrefix) throws IOException {
        long total = 0;
        for (WorkerProcess worker : this.workers) {
            if (worker.name().startsWith(namePrefix)) {
                total += worker.reconnects();
            }
        }
        return total;
    }

    /**
     * Measures the end state and builds the row: RSS after, log lines, whether the broker still
     * serves, handler executions and per-group counts.
     */
    Row row() throws IOException, InterruptedException {
        long rssAfter = this.broker.alive() ? this.broker.rssBytes() : -1;
        long peak = this.broker.alive() ? this.broker.peakRssBytes() : -1;
        long logLines = this.broker.log().linesFrom(this.logMark, this.broker.log().size());
        String state;
        if (!this.broker.alive()) {
            state = "exited with code " + this.broker.exitCode();
        }
        else {
            boolean serving = new Probe(this.context, this.broker.endpoint()).untilServed(ECHO, Duration.ofSeconds(2),
                    STATE_DEADLINE);
            state = serving ? "serving" : (this.broker.alive() ? "HALF-ALIVE" : "exited with code "
                    + this.broker.exitCode());
        }
        Map<Long, Integer> executions = new HashMap<>();
        for (WorkerProcess worker : this.workers) {
            worker.addExecutions(executions, this.ledger::issued);
        }
        long total = executions.values().stream().mapToLong(Integer::longValue).sum();
        long repeated = executions.values().stream().filter((n) -> n > 1).count();
        Ledger.Tally tally = this.ledger.total();
        List<String> rowNotes = new ArrayList<>(this.notes);
        if (peak >= 0) {
            rowNotes.add(String.format(Locale.ROOT, "broker peak RSS (VmHWM) %,d MiB", peak >> 20));
        }
        rowNotes.add(repeated + " request ids executed more than once");
        Map<String, Ledger.Tally> groups = this.ledger.byGroup();
        groups.forEach((group, t) -> rowNotes.add(String.format(Locale.ROOT,
                "%s: %,d sent, %,d answered, %,d refused, %,d lost%s", group, t.sent(), t.answered(), t.refused(),
                t.lost(), t.reasons().isEmpty() ? "" : " " + t.reasons())));
        return new Row(this.name, tally, total, this.rssBefore, rssAfter, this.recovery, state, logLines, rowNotes);
    }

    /** Stops every client, worker and broker of the scenario. */
    @Override
    public void close() {
        for (MajordomoClient client : this.clients) {
            try {
                client.close();
            }
            catch (RuntimeException ex) {
                // Closing is best effort; the processes below are what must not outlive the suite.
            }
        }
        for (WorkerProcess worker : this.workers) {
            worker.stop();
        }
        if (this.broker != null) {
            this.broker.stop();
        }
        for (BrokerProcess other : this.otherBrokers) {
            other.stop();
        }
        this.context.close();
    }
}
