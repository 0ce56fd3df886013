package dev.pirate.benchmarks.rabbitmq;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Connects to the private RabbitMQ node the benchmark starts: the default {@code guest} user, which
 * RabbitMQ accepts from loopback only, and no automatic recovery, so that a lost connection fails
 * the run instead of being hidden in its figures.
 */
final class Broker {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private static final int CLOSE_TIMEOUT_MILLIS = 5_000;

    /** Bounds every channel-level exchange with the broker (declare, consume, close). */
    private static final int RPC_TIMEOUT_MILLIS = 10_000;

    private Broker() {
    }

    /**
     * Opens a connection.
     * @param host the broker's host
     * @param port its AMQP port
     * @param name the connection's name, shown in the broker's logs
     * @return the connection
     * @throws IOException if the broker cannot be reached or refuses the connection
     * @throws TimeoutException if the handshake takes too long
     */
    static Connection connect(String host, int port, String name) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        factory.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        Connection connection = factory.newConnection(name);
        // A broker on a memory or disk alarm stops reading from publishers: say so, or a stalled run
        // would look like a slow one.
        connection.addBlockedListener(
                (reason) -> System.err.println(name + ": the broker blocks publishing: " + reason),
                () -> System.err.println(name + ": the broker unblocked publishing"));
        return connection;
    }

    /**
     * Closes a connection, waiting a bounded time for the broker's answer (a broker that stopped
     * reading never answers: the socket is closed anyway); a connection already closed or aborted is
     * left as it is.
     * @param connection the connection
     */
    static void close(Connection connection) {
        if (!connection.isOpen()) {
            return;
        }
        try {
            connection.close(CLOSE_TIMEOUT_MILLIS);
        }
        catch (IOException | ShutdownSignalException ex) {
            connection.abort(CLOSE_TIMEOUT_MILLIS);
        }
    }
}
