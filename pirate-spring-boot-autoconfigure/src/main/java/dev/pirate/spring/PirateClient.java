package dev.pirate.spring;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.pirate.client.CallOptions;
import dev.pirate.client.DirectClient;
import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateRemoteException;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.client.PirateUnknownServiceException;

/**
 * Calls Majordomo services through a broker, with Lazy Pirate retries, and plain REQ/REP servers
 * configured by name. Payloads are converted by a {@link PayloadConverter}: {@code byte[]} and
 * {@code String} travel as one frame, other types as JSON.
 * <pre>{@code
 * String reply = pirateClient.request("echo", "hello");
 * WordCount count = pirateClient.request("wordcount", new Text("a b c"), WordCount.class);
 * }</pre>
 * Every call either returns the reply or throws one of:
 * <ul>
 * <li>{@link PirateTimeoutException}: no reply after every attempt;</li>
 * <li>{@link PirateUnknownServiceException}: the broker knows no worker for the service;</li>
 * <li>{@link PirateRemoteException}: the service's handler failed; the message is the handler's;</li>
 * <li>{@link dev.pirate.client.PirateRefusedException}: the broker refused the request and said why;</li>
 * <li>{@link dev.pirate.client.PirateInvalidServiceException}: the service name is not a valid MDP name;</li>
 * <li>{@link dev.pirate.client.PirateInFlightLimitException}: too many requests in flight;</li>
 * <li>{@link dev.pirate.client.PirateException}: interrupted, or the client closed during the call.</li>
 * </ul>
 * Asynchronous variants complete their future with the same exceptions, never on the client's
 * I/O thread: on the clients' callback executor, which the auto-configuration sets to Boot's
 * {@code applicationTaskExecutor} when the application has one, so payload conversion and the
 * caller's continuations run there and a slow one delays no other request. Each call is sent
 * again, after a back-off, when an attempt times out, within the call's deadline if it has one;
 * a refusal or a handler failure is never sent again. Thread-safe.
 */
public class PirateClient implements AutoCloseable {

    private final Supplier<MajordomoClient> clientFactory;

    private final Map<String, DirectEndpoint> directEndpoints;

    private final PayloadConverter converter;

    private final List<PirateClientInterceptor> interceptors;

    private volatile @Nullable MajordomoClient client;

    private volatile boolean closed;

    /**
     * Creates a client.
     * @param client the Majordomo client that talks to the broker
     * @param directClients plain REQ/REP clients by name, possibly none
     * @param converter the payload converter
     */
    public PirateClient(MajordomoClient client, Map<String, DirectClient> directClients, PayloadConverter converter) {
        this(() -> client, directClients, converter);
        Objects.requireNonNull(client, "client");
    }

    /**
     * Creates a client whose Majordomo client is created on the first brokered request, for a broker
     * endpoint that is known only once an embedded broker has bound its socket.
     * @param clientFactory creates the Majordomo client, called at most once
     * @param directClients plain REQ/REP clients by name, possibly none
     * @param converter the payload converter
     */
    public PirateClient(Supplier<MajordomoClient> clientFactory, Map<String, DirectClient> directClients,
            PayloadConverter converter) {
        this(clientFactory, directClients, converter, List.of());
    }

    /**
     * Creates a client whose brokered calls pass through interceptors.
     * @param clientFactory creates the Majordomo client, called at most once
     * @param directClients plain REQ/REP clients by name, possibly none
     * @param converter the payload converter
     * @param interceptors wrap every brokered call, the first outermost; possibly none
     */
    public PirateClient(Supplier<MajordomoClient> clientFactory, Map<String, DirectClient> directClients,
            PayloadConverter converter, List<PirateClientInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
        this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
        this.converter = Objects.requireNonNull(converter, "converter");
        Map<String, DirectEndpoint> endpoints = new LinkedHashMap<>();
        directClients.forEach((name, direct) -> endpoints.put(name, new DirectEndpoint(direct, converter)));
        this.directEndpoints = Collections.unmodifiableMap(endpoints);
    }

    /**
     * Returns the Majordomo client, creating it on first use.
     * @return the client
     * @throws IllegalStateException if this client is closed
     */
    public MajordomoClient majordomoClient() {
        MajordomoClient current = this.client;
        if (current != null && !this.closed) {
            return current;
        }
        synchronized (this) {
            if (this.closed) {
                throw new IllegalStateException("PirateClient is closed");
            }
            if (this.client == null) {
                this.client = this.clientFactory.get();
            }
            return this.client;
        }
    }

    /**
     * Returns the Majordomo client if a brokered request has created it, without creating it; for
     * health checks and endpoints, which must not open sockets.
     * @return the client, or {@code null} before the first brokered request
     */
    public @Nullable MajordomoClient currentMajordomoClient() {
        return this.client;
    }

    /**
     * Tells whether {@link #close()} was called.
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return this.closed;
    }

    /**
     * Returns the default timeout, retries, deadline and back-off of brokered requests.
     * @return the defaults
     */
    public CallOptions defaults() {
        return majordomoClient().defaults();
    }

    /**
     * Sends one frame to a service and returns the first reply frame.
     * @param service the service name
     * @param body the request body
     * @return the first reply frame
     */
    public byte[] request(String service, byte[] body) {
        return request(service, body, defaults());
    }

    /**
     * Sends one frame to a service with the given timeout and retries.
     * @param service the service name
     * @param body the request body
     * @param options timeout and retries for this request
     * @return the first reply frame
     */
    public byte[] request(String service, byte[] body, CallOptions options) {
        return requestFrames(service, List.of(body), options).get(0);
    }

    /**
     * Sends UTF-8 text to a service and returns the reply as text.
     * @param service the service name
     * @param body the request text
     * @return the first reply frame, decoded as UTF-8
     */
    public String request(String service, String body) {
        return request(service, body, defaults());
    }

    /**
     * Sends UTF-8 text to a service with the given timeout and retries.
     * @param service the service name
     * @param body the request text
     * @param options timeout and retries for this request
     * @return the first reply frame, decoded as UTF-8
     */
    public String request(String service, String body, CallOptions options) {
        return utf8(requestFrames(service, List.of(body.getBytes(StandardCharsets.UTF_8)), options));
    }

    /**
     * Sends a value to a service and converts the reply: a POJO travels as JSON, a {@code byte[]} or
     * {@code String} as one frame.
     * @param <T> the reply type
     * @param service the service name
     * @param body the request value
     * @param replyType the class of the reply
     * @return the converted reply
     * @throws tools.jackson.core.JacksonException if the reply cannot be read as {@code replyType}
     */
    public <T> @Nullable T request(String service, Object body, Class<T> replyType) {
        return request(service, body, replyType, defaults());
    }

    /**
     * Sends a value to a service with the given timeout and retries and converts the reply.
     * @param <T> the reply type
     * @param service the service name
     * @param body the request value
     * @param replyType the class of the reply
     * @param options timeout and retries for this request
     * @return the converted reply
     * @throws tools.jackson.core.JacksonException if the reply cannot be read as {@code replyType}
     */
    public <T> @Nullable T request(String service, Object body, Class<T> replyType, CallOptions options) {
        return this.converter.read(requestFrames(service, this.converter.write(body), options), replyType);
    }

    /**
     * Sends a multi-frame request to a service and returns every reply frame.
     * @param service the service name
     * @param body the request frames, at least one
     * @return the reply frames
     */
    public List<byte[]> requestFrames(String service, List<byte[]> body) {
        return requestFrames(service, body, defaults());
    }

    /**
     * Sends a multi-frame request to a service with the given timeout and retries.
     * @param service the service name
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames
     */
    public List<byte[]> requestFrames(String service, List<byte[]> body, CallOptions options) {
        if (this.interceptors.isEmpty()) {
            return majordomoClient().request(service, body, options);
        }
        Function<CallOptions, List<byte[]>> call = (o) -> majordomoClient().request(service, body, o);
        for (int i = this.interceptors.size() - 1; i >= 0; i--) {
            PirateClientInterceptor interceptor = this.interceptors.get(i);
            Function<CallOptions, List<byte[]>> inner = call;
            call = (o) -> interceptor.intercept(service, o, inner);
        }
        return call.apply(options);
    }

    /**
     * Sends one frame to a service without waiting.
     * @param service the service name
     * @param body the request body
     * @return the first reply frame, or one of the exceptions listed on this class
     */
    public CompletableFuture<byte[]> requestAsync(String service, byte[] body) {
        return requestAsync(service, body, defaults());
    }

    /**
     * Sends one frame to a service without waiting, with the given timeout and retries.
     * @param service the service name
     * @param body the request body
     * @param options timeout and retries for this request
     * @return the first reply frame, or one of the exceptions listed on this class
     */
    public CompletableFuture<byte[]> requestAsync(String service, byte[] body, CallOptions options) {
        return requestFramesAsync(service, List.of(body), options).thenApply((frames) -> frames.get(0));
    }

    /**
     * Sends UTF-8 text to a service without waiting.
     * @param service the service name
     * @param body the request text
     * @return the reply text, or one of the exceptions listed on this class
     */
    public CompletableFuture<String> requestAsync(String service, String body) {
        return requestAsync(service, body, defaults());
    }

    /**
     * Sends UTF-8 text to a service without waiting, with the given timeout and retries.
     * @param service the service name
     * @param body the request text
     * @param options timeout and retries for this request
     * @return the reply text, or one of the exceptions listed on this class
     */
    public CompletableFuture<String> requestAsync(String service, String body, CallOptions options) {
        return requestFramesAsync(service, List.of(body.getBytes(StandardCharsets.UTF_8)), options)
            .thenApply(PirateClient::utf8);
    }

    /**
     * Sends a value to a service without waiting and converts the reply.
     * @param <T> the reply type
     * @param service the service name
     * @param body the request value
     * @param replyType the class of the reply
     * @return the converted reply, or one of the exceptions listed on this class
     */
    public <T> CompletableFuture<@Nullable T> requestAsync(String service, Object body, Class<T> replyType) {
        return requestAsync(service, body, replyType, defaults());
    }

    /**
     * Sends a value to a service without waiting, with the given timeout and retries, and converts
     * the reply.
     * @param <T> the reply type
     * @param service the service name
     * @param body the request value
     * @param replyType the class of the reply
     * @param options timeout and retries for this request
     * @return the converted reply, or one of the exceptions listed on this class
     */
    public <T> CompletableFuture<@Nullable T> requestAsync(String service, Object body, Class<T> replyType,
            CallOptions options) {
        return requestFramesAsync(service, this.converter.write(body), options)
            .thenApply((frames) -> this.converter.read(frames, replyType));
    }

    /**
     * Sends a multi-frame request to a service without waiting.
     * @param service the service name
     * @param body the request frames, at least one
     * @return the reply frames, or one of the exceptions listed on this class
     */
    public CompletableFuture<List<byte[]>> requestFramesAsync(String service, List<byte[]> body) {
        return requestFramesAsync(service, body, defaults());
    }

    /**
     * Sends a multi-frame request to a service without waiting, with the given timeout and retries.
     * @param service the service name
     * @param body the request frames, at least one
     * @param options timeout and retries for this request
     * @return the reply frames, or one of the exceptions listed on this class
     */
    public CompletableFuture<List<byte[]>> requestFramesAsync(String service, List<byte[]> body,
            CallOptions options) {
        if (this.interceptors.isEmpty()) {
            return majordomoClient().requestAsync(service, body, options);
        }
        Function<CallOptions, CompletableFuture<List<byte[]>>> call = (o) -> majordomoClient().requestAsync(service,
                body, o);
        for (int i = this.interceptors.size() - 1; i >= 0; i--) {
            PirateClientInterceptor interceptor = this.interceptors.get(i);
            Function<CallOptions, CompletableFuture<List<byte[]>>> inner = call;
            call = (o) -> interceptor.interceptAsync(service, o, inner);
        }
        return call.apply(options);
    }

    /**
     * Asks the broker whether a service has at least one worker (MMI {@code mmi.service}).
     * @param service the service name
     * @return whether the service has a worker
     */
    public boolean serviceExists(String service) {
        return majordomoClient().serviceExists(service);
    }

    /**
     * Returns the plain REQ/REP endpoint configured under {@code pirate.client.direct.<name>}.
     * @param name the configured name
     * @return the endpoint's client
     * @throws IllegalArgumentException if no endpoint has that name
     */
    public DirectEndpoint direct(String name) {
        DirectEndpoint endpoint = this.directEndpoints.get(name);
        if (endpoint == null) {
            throw new IllegalArgumentException("No direct endpoint named '" + name + "'; configure pirate.client.direct."
                    + name + ".endpoint (configured: " + this.directEndpoints.keySet() + ")");
        }
        return endpoint;
    }

    /**
     * Returns the names of the configured direct endpoints.
     * @return the names, in configuration order
     */
    public Set<String> directNames() {
        return this.directEndpoints.keySet();
    }

    /**
     * Closes the Majordomo client and every direct client; requests still in flight fail.
     */
    @Override
    public void close() {
        MajordomoClient toClose;
        synchronized (this) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            toClose = this.client;
        }
        if (toClose != null) {
            toClose.close();
        }
        this.directEndpoints.values().forEach(DirectEndpoint::close);
    }

    static String utf8(List<byte[]> frames) {
        return new String(frames.get(0), StandardCharsets.UTF_8);
    }
}
