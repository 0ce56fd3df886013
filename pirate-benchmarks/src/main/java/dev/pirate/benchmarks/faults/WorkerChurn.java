package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.client.MajordomoClient;
import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.MdpCommand;
import dev.pirate.support.Sockets;

/**
 * 2,000 short-lived workers: each connects, sends READY and closes without DISCONNECT, as crashing
 * or redeployed workers do. Then a real worker joins the same service and normal requests must work,
 * not go to the dead ones.
 */
final class WorkerChurn implements Scenario {

    private static final String SERVICE = "churn";

    /** Sockets open at once; a context allows 1024. */
    private static final int BATCH = 50;

    /** Long enough for READY to leave before the socket closes. */
    private static final int LINGER_MILLIS = 500;

    @Override
    public String name() {
        return "worker-churn";
    }

    @Override
    public void run(Fixture f) throws Exception {
        BrokerProcess broker = f.startBroker(Duration.ofMillis(2500), List.of());
        f.trafficStarts();
        int cycles = f.options().scaled(2000);
        byte[] service = SERVICE.getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        for (int done = 0; done < cycles; done += BATCH) {
            List<ZMQ.Socket> batch = new ArrayList<>();
            for (int i = done; i < Math.min(cycles, done + BATCH); i++) {
                ZMQ.Socket socket = Sockets.create(f.context(), SocketType.DEALER);
                socket.setLinger(LINGER_MILLIS);
                socket.connect(broker.endpoint());
                ZMsg ready = new ZMsg();
                ready.add(Mdp.EMPTY);
                ready.add(Mdp.WORKER_HEADER);
                ready.add(MdpCommand.READY.frame());
                ready.add(service);
                ready.send(socket);
                batch.add(socket);
            }
            // The broker must see READY before the connection ends; it reads in well under this.
            Thread.sleep(20);
            batch.forEach(ZMQ.Socket::close);
        }
        f.faultEnded();
        f.note(String.format(Locale.ROOT, "%,d READY-and-close cycles in %.1f s; broker RSS right after %,d MiB",
                cycles, (System.nanoTime() - start) / 1e9, broker.rssBytes() >> 20));
        f.startWorker("churn-real", SERVICE, 1, "echo");
        f.timeRecovery(SERVICE, Duration.ofSeconds(2), Duration.ofSeconds(60));
        MajordomoClient client = f.client(Duration.ofMillis(2500), 3);
        int calls = f.options().scaled(100);
        for (int i = 0; i < calls; i++) {
            long id = f.ledger().issue("after churn");
            Calls.call(client, f.ledger(), "after churn", SERVICE, Bodies.of(id, 64), id);
        }
    }
}
