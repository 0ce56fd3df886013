package dev.pirate.benchmarks.rabbitmq;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A RabbitMQ RPC echo server, as RabbitMQ's own RPC tutorial builds one: one channel consuming a
 * queue with manual acknowledgements and a prefetch (the broker keeps up to that many unacknowledged
 * requests in flight to this consumer), each request's body published back to its {@code replyTo}
 * with its correlation id, then acknowledged. Runs until SIGINT or SIGTERM; several processes may
 * serve the same queue.
 * <pre>
 * java -cp pirate-benchmarks/target/benchmarks.jar dev.pirate.benchmarks.rabbitmq.RabbitEchoServer \
 *     --port 5672 [--queue echo] [--prefetch 500]
 * </pre>
 * Prints {@value #READY} on stdout once it consumes. Exits 1 if the connection to the broker is
 * lost, 64 for a usage error.
 */
@Command(name = "RabbitEchoServer", sortOptions = false, exitCodeOnInvalidInput = RabbitRpcBench.USAGE,
        description = "RPC echo server on a RabbitMQ queue, until SIGINT or SIGTERM.")
public final class RabbitEchoServer implements Callable<Integer> {

    /** The queue the server consumes unless told otherwise. */
    static final String DEFAULT_QUEUE = "echo";

    /** The line printed once the server consumes its queue. */
    static final String READY = "rabbitmq echo server ready";

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", required = true, description = "Broker AMQP port.")
    private int port;

    @Option(names = "--queue", defaultValue = DEFAULT_QUEUE, description = "Queue to serve (default: ${DEFAULT-VALUE}).")
    private String queue;

    @Option(names = "--prefetch", defaultValue = "500", paramLabel = "N",
            description = "Unacknowledged requests the broker may send ahead (basic.qos; default: ${DEFAULT-VALUE}).")
    private int prefetch;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /**
     * Serves until stopped and exits with the server's code.
     * @param args the options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RabbitEchoServer()).execute(args));
    }

    @Override
    public Integer call() throws IOException, TimeoutException, InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Connection connection = Broker.connect(this.host, this.port, "pirate-rabbit-echo-server");
        Thread shutdown = new Thread(() -> {
            stopped.countDown();
            // What the server had not acknowledged, the broker requeues.
            Broker.close(connection);
        }, "rabbit-echo-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        AtomicBoolean lost = new AtomicBoolean();
        connection.addShutdownListener((ShutdownSignalException cause) -> {
            if (!cause.isInitiatedByApplication()) {
                System.err.println("RabbitEchoServer: connection lost: " + cause.getMessage());
                lost.set(true);
            }
            stopped.countDown();
        });
        Channel channel = connection.createChannel();
        channel.queueDeclare(this.queue, false, false, false, null);
        channel.basicQos(this.prefetch);
        channel.basicConsume(this.queue, false, new Echo(channel));
        System.out.println(READY);
        System.out.flush();
        stopped.await();
        return lost.get() ? 1 : 0;
    }

    /** Answers each request on the channel's consumer thread. */
    private static final class Echo extends DefaultConsumer {

        Echo(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) throws IOException {
            Channel channel = getChannel();
            String replyTo = properties.getReplyTo();
            if (replyTo == null) {
                // Nowhere to answer: drop it rather than requeue it forever.
                channel.basicReject(envelope.getDeliveryTag(), false);
                return;
            }
            AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                    .correlationId(properties.getCorrelationId()).build();
            channel.basicPublish("", replyTo, reply, body);
            channel.basicAck(envelope.getDeliveryTag(), false);
        }
    }
}
