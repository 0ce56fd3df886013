package dev.pirate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pirate.broker.MajordomoBroker;
import dev.pirate.client.MajordomoPipeline;
import dev.pirate.testing.Resources;
import dev.pirate.worker.MajordomoWorker;

/**
 * A pipelining client over CURVE with 100 requests in flight gets every reply whole. JeroMQ 0.6.0
 * splits multipart messages at frame boundaries when a CURVE connection's receiving pipe is at its
 * high-water mark; with the pipeline's pipes sized to exactly its requests in flight, about one reply
 * in 2,000 arrived as its empty delimiter alone and the rest as another message.
 */
@Timeout(120)
class CurvePipelineTest {

    private static final CurveCertificate BROKER = CurveCertificate.generate();

    private static final int REQUESTS = 20_000;

    private static final int IN_FLIGHT = 100;

    @RegisterExtension
    final Resources resources = new Resources();

    @Test
    void everyReplyOfAPipelineOverCurveArrivesWholeAndOnce() {
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder().bind("tcp://127.0.0.1:*")
            .security(ServerSecurity.builder(BROKER).allowAnyKey(true).build()).build());
        broker.start();
        MajordomoWorker worker = this.resources.track(MajordomoWorker.builder(broker.connectEndpoint(), "echo",
                (body) -> body)
            .security(ClientSecurity.ephemeral(BROKER.publicKey())).prefetch(IN_FLIGHT).build());
        worker.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.snapshot().workers() == 1);

        BitSet answered = new BitSet(REQUESTS);
        int duplicates = 0;
        try (MajordomoPipeline pipeline = MajordomoPipeline.connect(broker.connectEndpoint(), IN_FLIGHT,
                ClientSecurity.ephemeral(BROKER.publicKey()))) {
            // The first reply also waits for the CURVE handshake, which a JeroMQ handshake stall can hold
            // up to its 10 s limit: it gets its own, generous wait.
            pipeline.send("echo", ByteBuffer.allocate(16).putInt(0).array());
            MajordomoPipeline.Reply first = pipeline.receive(Duration.ofSeconds(60));
            assertThat(first).as("the first reply").isNotNull();
            answered.set(ByteBuffer.wrap(first.body().get(0)).getInt());
            int sent = 1;
            int received = 1;
            while (received < REQUESTS) {
                while (sent < REQUESTS && sent - received < IN_FLIGHT) {
                    pipeline.send("echo", ByteBuffer.allocate(16).putInt(sent).array());
                    sent++;
                }
                MajordomoPipeline.Reply reply = pipeline.receive(Duration.ofSeconds(10));
                assertThat(reply).as("reply %d of %d in time", received + 1, REQUESTS).isNotNull();
                int id = ByteBuffer.wrap(reply.body().get(0)).getInt();
                if (answered.get(id)) {
                    duplicates++;
                }
                answered.set(id);
                received++;
            }
        }
        assertThat(duplicates).isZero();
        assertThat(answered.cardinality()).as("requests answered whole").isEqualTo(REQUESTS);
    }
}
