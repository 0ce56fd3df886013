package dev.pirate.benchmarks.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

import dev.pirate.protocol.Mdp;
import dev.pirate.support.Sockets;

/**
 * 100,000 malformed messages from raw DEALERs (random frames, bad headers, bad commands, wrong frame
 * counts) while normal callers use an echo service: every valid request must be answered, and the
 * broker's log must stay bounded (the table counts its lines).
 */
final class Malformed implements Scenario {

    private static final String SERVICE = "work";

    private static final int SENDERS = 8;

    /** A sender is replaced by a new connection this often, so new peers keep arriving too. */
    private static final int MESSAGES_PER_CONNECTION = 1000;

    private static final int KINDS = 8;

    private static final Duration SEND_DEADLINE = Duration.ofSeconds(120);

    /** Seeded: a run can be repeated message for message. */
    private final Random random = new Random(10);

    @Override
    public String name() {
        return "malformed";
    }

    @Override
    public void run(Fixture f) throws Exception {
        BrokerProcess broker = f.startBroker(Duration.ofMillis(2500), List.of());
        f.startWorker("work-a", SERVICE, 2, "echo");
        f.trafficStarts();
        int count = f.options().scaled(100_000);
        CallerLoad load = new CallerLoad(f.client(Duration.ofMillis(2500), 3), f.ledger(), "valid", SERVICE,
                f.options().scaled(2000), 4, Duration.ofMillis(5), 64);
        List<ZMQ.Socket> senders = new ArrayList<>();
        long back = 0;
        long start = System.nanoTime();
        int sent = 0;
        for (int i = 0; i < count && System.nanoTime() - start < SEND_DEADLINE.toNanos(); i++) {
            int slot = i % SENDERS;
            if (i % MESSAGES_PER_CONNECTION == slot) {
                if (senders.size() > slot) {
                    back += discardReplies(senders.get(slot));
                    senders.get(slot).close();
                    senders.set(slot, sender(f, broker));
                }
                else {
                    senders.add(sender(f, broker));
                }
            }
            if (message(i % KINDS).send(senders.get(slot))) {
                sent++;
            }
            if (i % 500 == 0) {
                back += discardReplies(senders.get(slot));
            }
        }
        for (ZMQ.Socket socket : senders) {
            back += discardReplies(socket);
            socket.close();
        }
        f.faultEnded();
        f.timeRecovery(SERVICE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        load.awaitDone(Duration.ofSeconds(120));
        f.note(String.format(Locale.ROOT, "%,d malformed messages sent in %.1f s (%d kinds); %,d messages came back "
                + "to their senders", sent, (System.nanoTime() - start) / 1e9, KINDS, back));
    }

    private static ZMQ.Socket sender(Fixture f, BrokerProcess broker) {
        ZMQ.Socket socket = Sockets.create(f.context(), SocketType.DEALER);
        socket.setSendTimeOut(5000);
        socket.connect(broker.endpoint());
        return socket;
    }

    private static long discardReplies(ZMQ.Socket socket) {
        long count = 0;
        while (ZMsg.recvMsg(socket, ZMQ.DONTWAIT) != null) {
            count++;
        }
        return count;
    }

    /** One malformed message of a kind; none of them is a valid READY, so no sender becomes a worker. */
    private ZMsg message(int kind) {
        ZMsg message = new ZMsg();
        switch (kind) {
            case 0 -> {
                // Random frames: one to six, of random bytes.
                int frames = 1 + this.random.nextInt(6);
                for (int i = 0; i < frames; i++) {
                    message.add(randomBytes(this.random.nextInt(65)));
                }
            }
            case 1 -> frames(message, Mdp.EMPTY, ascii("MDPX01"), ascii(SERVICE), ascii("bad header"));
            case 2 -> frames(message, Mdp.EMPTY, Mdp.CLIENT_HEADER);
            case 3 -> frames(message, Mdp.EMPTY, Mdp.WORKER_HEADER, new byte[] {0x09});
            case 4 -> frames(message, Mdp.EMPTY, Mdp.WORKER_HEADER, new byte[] {0x03}, ascii("nobody"), Mdp.EMPTY,
                    ascii("reply from nowhere"));
            case 5 -> frames(message, Mdp.EMPTY, Mdp.WORKER_HEADER, new byte[] {0x01},
                    ascii("x".repeat(Mdp.MAX_SERVICE_NAME_LENGTH + 45)));
            case 6 -> frames(message, Mdp.CLIENT_HEADER, ascii(SERVICE), ascii("no empty frame"));
            default -> frames(message, Mdp.EMPTY, Mdp.WORKER_HEADER, new byte[] {0x04}, ascii("extra"),
                    ascii("frames"));
        }
        return message;
    }

    private static void frames(ZMsg message, byte[]... frames) {
        for (byte[] frame : frames) {
            message.add(frame);
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        this.random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
