package dev.pirate.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link MajordomoClient} asks of its engine: one broker's {@link ClientEngine}, or
 * {@link BrokerFailover} over several.
 */
interface Calls extends AutoCloseable {

    List<byte[]> call(String target, List<byte[]> body, CallOptions options);

    CompletableFuture<List<byte[]>> callAsync(String target, List<byte[]> body, CallOptions options);

    CallOptions defaults();

    @Override
    void close();
}
