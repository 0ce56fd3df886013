package dev.pirate.spring;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;

/**
 * A plain REQ/REP server configured under {@code pirate.client.direct.<name>}, called with Lazy
 * Pirate retries and no broker; obtained from {@link PirateClient#direct(String)}. Payloads are
 * converted like {@link PirateClient}'s. Failures are {@link dev.pirate.client.PirateTimeoutException}s.
 * Thread-safe.
 */
public final class DirectEndpoint {

    private final DirectClient client;

    private final PayloadConverter converter;

    DirectEndpoint(DirectClient client, PayloadConverter converter) {
        this.client = client;
        this.converter = converter;
    }

    /**
     * Tells whether this endpoint is called with CURVE.
     * @return {@code true} when {@code pirate.client.direct.NAME.server-key} is set
     */
    public boolean isCurve() {
        return this.client.isCurve();
    }

    /**
     * Returns the configured name.
     * @return the name
     */
    public String name() {
        return this.client.name();
    }

    /**
     * Returns the server's endpoint.
     * @return the endpoint
     */
    public String endpoint() {
        return this.client.endpoint();
    }

    /**
     * Returns the default timeout and retries of this endpoint.
     * @return the defaults
     */
    public CallOptions defaults() {
        return this.client.defaults();
    }

    /**
     * Sends one frame and returns the first reply frame.
     * @param body the request
     * @return the first reply frame
     */
    public byte[] request(byte[] body) {
        return request(body, defaults());
    }

    /**
     * Sends one frame with the given timeout and retries.
     * @param body the request
     * @param options timeout and retries for this request
     * @return the first reply frame
     */
    public byte[] request(byte[] body, CallOptions options) {
        return requestFrames(List.of(body), options).get(0);
    }

    /**
     * Sends UTF-8 text and returns the reply as text.
     * @param body the request text
     * @return the first reply frame, decoded as UTF-8
     */
    public String request(String body) {
        return request(body, defaults());
    }

    /**
     * Sends UTF-8 text with the given timeout and retries.
     * @param body the request text
     * @param options timeout and retries for this request
     * @return the first reply frame, decoded as UTF-8
     */
    public String request(String body, CallOptions options) {
        return PirateClient.utf8(requestFrames(List.of(body.getBytes(StandardCharsets.UTF_8)), options));
    }

    /**
     * Sends a value and converts the reply.
     * @param <T> the reply type
     * @param body the request value
     * @param replyType the class of the reply
     * @return the converted reply
     */
    public <T> @Nullable T request(Object body, Class<T> replyType) {
        return request(body, replyType, defaults());
    }

    /**
     * Sends a value with the given timeout and retries and converts the reply.
     * @param <T> the reply type
     * @param body the request value
     * @param replyType the class of the reply
     * @param options timeout and retries for this request
     * @return the converted reply
     */
    public <T> @Nullable T request(Object body, Class<T> replyType, CallOptions options) {
        return this.converter.read(requestFrames(this.converter.write(body), options), replyType);
    }

    /**
     * Sends a multi-frame request and returns every reply frame.
     * @param body the request frames, at least one
     * @return the reply frames
     */
    public List<byte[]> requestFrames(List<byte[]> body) {
        return requestFrames(body, defaults());
    }

    /**
     * Sends a multi-frame request with the given timeout and retries.
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames
     */
    public List<byte[]> requestFrames(List<byte[]> body, CallOptions options) {
        return this.client.request(body, options);
    }

    /**
     * Sends a value without waiting and converts the reply.
     * @param <T> the reply type
     * @param body the request value
     * @param replyType the class of the reply
     * @return the converted reply, or a {@link dev.pirate.client.PirateTimeoutException}
     */
    public <T> CompletableFuture<@Nullable T> requestAsync(Object body, Class<T> replyType) {
        return requestFramesAsync(this.converter.write(body), defaults())
            .thenApply((frames) -> this.converter.read(frames, replyType));
    }

    /**
     * Sends a multi-frame request without waiting.
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames, or a {@link dev.pirate.client.PirateTimeoutException}
     */
    public CompletableFuture<List<byte[]>> requestFramesAsync(List<byte[]> body, CallOptions options) {
        return this.client.requestAsync(body, options);
    }

    void close() {
        this.client.close();
    }
}
