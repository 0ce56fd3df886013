package dev.pirate.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for Pirate.
 */
@ConfigurationProperties("pirate")
public class PirateProperties {

    private final Broker broker = new Broker();

    private final Worker worker = new Worker();

    private final Client client = new Client();

    private final Metrics metrics = new Metrics();

    private final Security security = new Security();

    public Broker getBroker() {
        return this.broker;
    }

    public Worker getWorker() {
        return this.worker;
    }

    public Client getClient() {
        return this.client;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    public Security getSecurity() {
        return this.security;
    }

    /**
     * Embedded Majordomo broker.
     */
    public static class Broker {

        /**
         * Whether to run a Majordomo broker inside the application.
         */
        private boolean enabled;

        /**
         * Endpoint the embedded broker binds: loopback by default; tcp://*:5555 for every interface
         * (configure pirate.security first), or tcp://127.0.0.1:* for a free port.
         */
        private String bind = "tcp://127.0.0.1:5555";

        /**
         * Whether the application's own workers and PirateClient reach the embedded broker over
         * inproc://pirate-broker (same JVM, no TCP) when their endpoints are not set. Remote peers use
         * the bind endpoint either way.
         */
        private boolean inProcess = true;

        /**
         * Interval between the heartbeats the broker sends to its workers.
         */
        private Duration heartbeatInterval = Duration.ofMillis(2500);

        /**
         * Number of heartbeat intervals a worker may stay silent before the broker forgets it.
         */
        private int liveness = 3;

        /**
         * Largest message the broker accepts, all frames together.
         */
        private DataSize maxMessageSize = DataSize.ofMegabytes(1);

        /**
         * Longest time a request may wait for a worker before the broker drops it.
         */
        private Duration requestExpiry = Duration.ofSeconds(30);

        /**
         * Most requests that may wait for a worker, per service; more are refused as overloaded.
         */
        private int maxQueuedRequests = 10_000;

        /**
         * Most bytes of requests and undelivered replies the broker holds, all services together;
         * more are refused as overloaded. Defaults to a quarter of the maximum heap, between 16MB and
         * 256MB.
         */
        private @Nullable DataSize maxQueuedBytes;

        /**
         * Most bytes of incoming messages ZeroMQ may hold before the broker reads them. Defaults to
         * an eighth of the maximum heap, between 8MB and 128MB.
         */
        private @Nullable DataSize maxInboundBytes;

        /**
         * Most requests one client connection may have in the broker at once, answered or not yet
         * taken by the client; more are refused as overloaded.
         */
        private int maxClientRequests = 10_000;

        /**
         * Most service names the broker knows at once.
         */
        private int maxServices = 10_000;

        /**
         * How often a request is queued again after a worker died holding it, before it is dropped
         * as a poison request.
         */
        private int maxRedeliveries = 2;

        /**
         * Most requests one worker connection is given at once, whatever credit (prefetch) it offers.
         */
        private int maxWorkerCredit = 1000;

        /**
         * How long a service may have no worker before Pirate clients are told it is unknown instead
         * of having their requests queued.
         */
        private Duration unknownServiceGrace = Duration.ofSeconds(1);

        /**
         * How long the answer to a call whose client connection had gone is kept for the call's next
         * attempt, so a retry gets it instead of running the handler again.
         */
        private Duration replyRetention = Duration.ofSeconds(5);

        /**
         * How long after its start the broker calls no service unknown, while the workers of a
         * restart come back (they reconnect after a back-off of up to 32s by default).
         */
        private Duration workerReturnTime = Duration.ofSeconds(40);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBind() {
            return this.bind;
        }

        public void setBind(String bind) {
            this.bind = bind;
        }

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public int getLiveness() {
            return this.liveness;
        }

        public void setLiveness(int liveness) {
            this.liveness = liveness;
        }

        public DataSize getMaxMessageSize() {
            return this.maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public Duration getRequestExpiry() {
            return this.requestExpiry;
        }

        public void setRequestExpiry(Duration requestExpiry) {
            this.requestExpiry = requestExpiry;
        }

        public int getMaxQueuedRequests() {
            return this.maxQueuedRequests;
        }

        public void setMaxQueuedRequests(int maxQueuedRequests) {
            this.maxQueuedRequests = maxQueuedRequests;
        }

        public @Nullable DataSize getMaxQueuedBytes() {
            return this.maxQueuedBytes;
        }

        public void setMaxQueuedBytes(@Nullable DataSize maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
        }

        public @Nullable DataSize getMaxInboundBytes() {
            return this.maxInboundBytes;
        }

        public void setMaxInboundBytes(@Nullable DataSize maxInboundBytes) {
            this.maxInboundBytes = maxInboundBytes;
        }

        public int getMaxClientRequests() {
            return this.maxClientRequests;
        }

        public void setMaxClientRequests(int maxClientRequests) {
            this.maxClientRequests = maxClientRequests;
        }

        public int getMaxServices() {
            return this.maxServices;
        }

        public void setMaxServices(int maxServices) {
            this.maxServices = maxServices;
        }

        public boolean isInProcess() {
            return this.inProcess;
        }

        public void setInProcess(boolean inProcess) {
            this.inProcess = inProcess;
        }

        public int getMaxWorkerCredit() {
            return this.maxWorkerCredit;
        }

        public void setMaxWorkerCredit(int maxWorkerCredit) {
            this.maxWorkerCredit = maxWorkerCredit;
        }

        public int getMaxRedeliveries() {
            return this.maxRedeliveries;
        }

        public void setMaxRedeliveries(int maxRedeliveries) {
            this.maxRedeliveries = maxRedeliveries;
        }

        public Duration getUnknownServiceGrace() {
            return this.unknownServiceGrace;
        }

        public void setUnknownServiceGrace(Duration unknownServiceGrace) {
            this.unknownServiceGrace = unknownServiceGrace;
        }

        public Duration getReplyRetention() {
            return this.replyRetention;
        }

        public void setReplyRetention(Duration replyRetention) {
            this.replyRetention = replyRetention;
        }

        public Duration getWorkerReturnTime() {
            return this.workerReturnTime;
        }

        public void setWorkerReturnTime(Duration workerReturnTime) {
            this.workerReturnTime = workerReturnTime;
        }
    }

    /**
     * Workers of @MajordomoService beans.
     */
    public static class Worker {

        /**
         * Broker endpoint the workers connect to. Defaults to the embedded broker's endpoint when the
         * broker is enabled, tcp://localhost:5555 otherwise.
         */
        private @Nullable String endpoint;

        /**
         * Broker endpoints the workers connect to, one per broker, instead of a single endpoint: every
         * service registers with every broker listed, each broker with its own connections (the
         * service's concurrency per broker), heartbeat, liveness and reconnect back-off.
         */
        private List<String> endpoints = new ArrayList<>();

        /**
         * Interval between the heartbeats a worker sends; use the broker's.
         */
        private Duration heartbeatInterval = Duration.ofMillis(2500);

        /**
         * Number of heartbeat intervals of broker silence after which a worker reconnects.
         */
        private int liveness = 3;

        /**
         * Delay before a worker's first reconnect attempt; it doubles on each failure.
         */
        private Duration reconnectDelay = Duration.ofMillis(2500);

        /**
         * Longest delay between reconnect attempts.
         */
        private Duration maxReconnectDelay = Duration.ofSeconds(32);

        /**
         * Longest time the requests in hand may take to finish when the application stops.
         */
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);

        /**
         * Whether the error reply to a handler that threw names the exception's class; by default
         * callers get the exception's message alone, and the class stays in the worker's log.
         */
        private boolean exposeExceptionDetails;

        public @Nullable String getEndpoint() {
            return this.endpoint;
        }

        public void setEndpoint(@Nullable String endpoint) {
            this.endpoint = endpoint;
        }

        public List<String> getEndpoints() {
            return this.endpoints;
        }

        public void setEndpoints(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public int getLiveness() {
            return this.liveness;
        }

        public void setLiveness(int liveness) {
            this.liveness = liveness;
        }

        public Duration getReconnectDelay() {
            return this.reconnectDelay;
        }

        public void setReconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = reconnectDelay;
        }

        public Duration getMaxReconnectDelay() {
            return this.maxReconnectDelay;
        }

        public void setMaxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = maxReconnectDelay;
        }

        public boolean isExposeExceptionDetails() {
            return this.exposeExceptionDetails;
        }

        public void setExposeExceptionDetails(boolean exposeExceptionDetails) {
            this.exposeExceptionDetails = exposeExceptionDetails;
        }

        public Duration getShutdownGracePeriod() {
            return this.shutdownGracePeriod;
        }

        public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
            this.shutdownGracePeriod = shutdownGracePeriod;
        }
    }

    /**
     * PirateClient.
     */
    public static class Client {

        /**
         * Broker endpoint the client sends requests to. Defaults to the embedded broker's endpoint
         * when the broker is enabled, tcp://localhost:5555 otherwise.
         */
        private @Nullable String endpoint;

        /**
         * Broker endpoints the client spreads requests over, one per broker, instead of a single
         * endpoint: round robin over the brokers that answer, an attempt that times out is sent again
         * to another broker, and a broker that keeps failing is skipped for a while.
         */
        private List<String> endpoints = new ArrayList<>();

        /**
         * Consecutive timed-out attempts after which a broker of several is skipped.
         */
        private int brokerFailureThreshold = 2;

        /**
         * How long a broker that keeps failing is skipped before one request probes it again.
         */
        private Duration brokerQuarantine = Duration.ofSeconds(5);

        /**
         * Time each attempt waits for a reply before the request is sent again.
         */
        private Duration timeout = Duration.ofMillis(2500);

        /**
         * Number of times a request is sent again after a timeout.
         */
        private int retries = 3;

        /**
         * Longest time a whole request may take, every attempt and pause included, brokered and
         * direct alike: no attempt starts after it, the attempt in progress stops waiting at it, and
         * the request fails as timed out. Unset, a request may take every attempt's timeout and
         * every pause.
         */
        private @Nullable Duration deadline;

        /**
         * Pauses between an attempt that timed out and the next one.
         */
        private final Retry retry = new Retry();

        /**
         * Plain REQ/REP servers, called without a broker, by name.
         */
        private final Map<String, Direct> direct = new LinkedHashMap<>();

        public @Nullable String getEndpoint() {
            return this.endpoint;
        }

        public void setEndpoint(@Nullable String endpoint) {
            this.endpoint = endpoint;
        }

        public List<String> getEndpoints() {
            return this.endpoints;
        }

        public void setEndpoints(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public int getBrokerFailureThreshold() {
            return this.brokerFailureThreshold;
        }

        public void setBrokerFailureThreshold(int brokerFailureThreshold) {
            this.brokerFailureThreshold = brokerFailureThreshold;
        }

        public Duration getBrokerQuarantine() {
            return this.brokerQuarantine;
        }

        public void setBrokerQuarantine(Duration brokerQuarantine) {
            this.brokerQuarantine = brokerQuarantine;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getRetries() {
            return this.retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }

        public @Nullable Duration getDeadline() {
            return this.deadline;
        }

        public void setDeadline(@Nullable Duration deadline) {
            this.deadline = deadline;
        }

        public Retry getRetry() {
            return this.retry;
        }

        public Map<String, Direct> getDirect() {
            return this.direct;
        }
    }

    /**
     * Exponential back-off between attempts, jittered between half and all of its value so that
     * clients that timed out together do not all send again at once.
     */
    public static class Retry {

        /**
         * Pause before the first retry; each further retry multiplies it, up to max-backoff. Zero
         * sends again as soon as an attempt times out.
         */
        private Duration initialBackoff = Duration.ofMillis(100);

        /**
         * Longest pause between two attempts.
         */
        private Duration maxBackoff = Duration.ofSeconds(1);

        /**
         * Factor by which the pause grows with each retry; 1 keeps it constant.
         */
        private double multiplier = 2;

        public Duration getInitialBackoff() {
            return this.initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return this.maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getMultiplier() {
            return this.multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }
    }

    /**
     * A plain REQ/REP server.
     */
    public static class Direct {

        /**
         * Endpoint of the REP server, for example tcp://localhost:5556.
         */
        private @Nullable String endpoint;

        /**
         * Time each attempt waits for a reply. Defaults to pirate.client.timeout.
         */
        private @Nullable Duration timeout;

        /**
         * Number of times a request is sent again after a timeout. Defaults to pirate.client.retries.
         */
        private @Nullable Integer retries;

        /**
         * Public key (40 Z85 characters) of the REP server, which must be a CURVE server; the
         * application connects with its own pirate.security certificate. Unset, plain text.
         */
        private @Nullable String serverKey;

        public @Nullable String getEndpoint() {
            return this.endpoint;
        }

        public void setEndpoint(@Nullable String endpoint) {
            this.endpoint = endpoint;
        }

        public @Nullable Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        public @Nullable Integer getRetries() {
            return this.retries;
        }

        public void setRetries(@Nullable Integer retries) {
            this.retries = retries;
        }

        public @Nullable String getServerKey() {
            return this.serverKey;
        }

        public void setServerKey(@Nullable String serverKey) {
            this.serverKey = serverKey;
        }
    }

    /**
     * Micrometer meters.
     */
    public static class Metrics {

        /**
         * Maximum number of service names used as metric tag values; further services, which only
         * clients of the embedded broker can invent, are tagged service=_other.
         */
        private int maxServices = 100;

        public int getMaxServices() {
            return this.maxServices;
        }

        public void setMaxServices(int maxServices) {
            this.maxServices = maxServices;
        }
    }

    /**
     * CURVE encryption and authentication of the embedded broker, the workers and the client, and
     * who may serve and call each service.
     */
    public static class Security {

        /**
         * Path of this application's CURVE certificate with its secret key (the NAME_secret file
         * that 'pirate keygen' writes). Setting it, or secret-key, turns CURVE on for the embedded
         * broker, the workers and the client.
         */
        private @Nullable Path certificate;

        /**
         * This application's CURVE secret key, 40 Z85 characters; an alternative to certificate.
         */
        private @Nullable String secretKey;

        /**
         * Public key (40 Z85 characters) of the broker the workers and the client connect to.
         * Defaults to the application's own public key when the embedded broker is enabled.
         */
        private @Nullable String serverKey;

        /**
         * Path of the public certificate of the broker the workers and the client connect to; an
         * alternative to server-key.
         */
        private @Nullable Path serverCertificate;

        /**
         * Public keys (40 Z85 characters each) the embedded broker lets in, besides the
         * application's own.
         */
        private List<String> authorizedKeys = new ArrayList<>();

        /**
         * Directory of public certificates whose keys the embedded broker lets in; read again when a
         * file in it is added, removed or changed.
         */
        private @Nullable Path authorizedKeysDirectory;

        /**
         * Whether the embedded broker lets in any key: traffic encrypted, peers not authenticated.
         */
        private boolean allowAnyKey;

        /**
         * Who may register as a worker for, and who may call, each service, by service name; '*'
         * names the rule of every service without one of its own. Without rules, every key let in
         * may serve and call every service; with rules, a service no rule covers is closed.
         */
        private Map<String, ServiceAccess> services = new LinkedHashMap<>();

        public @Nullable Path getCertificate() {
            return this.certificate;
        }

        public void setCertificate(@Nullable Path certificate) {
            this.certificate = certificate;
        }

        public @Nullable String getSecretKey() {
            return this.secretKey;
        }

        public void setSecretKey(@Nullable String secretKey) {
            this.secretKey = secretKey;
        }

        public @Nullable String getServerKey() {
            return this.serverKey;
        }

        public void setServerKey(@Nullable String serverKey) {
            this.serverKey = serverKey;
        }

        public @Nullable Path getServerCertificate() {
            return this.serverCertificate;
        }

        public void setServerCertificate(@Nullable Path serverCertificate) {
            this.serverCertificate = serverCertificate;
        }

        public List<String> getAuthorizedKeys() {
            return this.authorizedKeys;
        }

        public void setAuthorizedKeys(List<String> authorizedKeys) {
            this.authorizedKeys = authorizedKeys;
        }

        public @Nullable Path getAuthorizedKeysDirectory() {
            return this.authorizedKeysDirectory;
        }

        public void setAuthorizedKeysDirectory(@Nullable Path authorizedKeysDirectory) {
            this.authorizedKeysDirectory = authorizedKeysDirectory;
        }

        public boolean isAllowAnyKey() {
            return this.allowAnyKey;
        }

        public void setAllowAnyKey(boolean allowAnyKey) {
            this.allowAnyKey = allowAnyKey;
        }

        public Map<String, ServiceAccess> getServices() {
            return this.services;
        }

        public void setServices(Map<String, ServiceAccess> services) {
            this.services = services;
        }
    }

    /**
     * Who may serve and who may call one service.
     */
    public static class ServiceAccess {

        /**
         * Public keys that may register as workers of the service; '*' for every key let in.
         */
        private List<String> workers = new ArrayList<>();

        /**
         * Public keys that may call the service; '*' for every key let in.
         */
        private List<String> clients = new ArrayList<>();

        public List<String> getWorkers() {
            return this.workers;
        }

        public void setWorkers(List<String> workers) {
            this.workers = workers;
        }

        public List<String> getClients() {
            return this.clients;
        }

        public void setClients(List<String> clients) {
            this.clients = clients;
        }
    }
}
